"""No button pressed in a group chat ever puts a resident's address or phone there: every codec the
views declare, pressed by the grid's leader, the admin and the volunteer on the task in the
volunteer group, and by the leader and the resident in the residents' group, with the ids of a real
request and household (buttons are never trusted: a forged or misplaced press included)."""

from __future__ import annotations

import pytest

from bot.views.callbacks import Int, One
from tests.support.harness import text_of
from tests.support.stale import every_codec
from tests.support.waiting import settle

from .test_tasks_flow import ADDRESS, accept, new_request, started

pytestmark = pytest.mark.timeout(300)
PHONE = "13900001111"


def data_of(codec) -> str | None:
    values = []
    for part in codec.parts:
        if isinstance(part, Int):
            values.append(max(part.lo, 1) if part.lo <= 1 <= part.hi else part.lo)
        elif isinstance(part, One):
            values.append(part.choices[0])
        else:  # a feature's own part (an ISO week): not guessed here
            return None
    for given in (values, values[1:]):  # a Step's first part is its fixed word
        try:
            return codec.data(*given)
        except ValueError:
            continue
    return None


async def test_no_press_in_a_group_shows_an_address_or_a_phone(world, monkeypatch):
    w = world
    # hundreds of answers in two groups: Telegram's 20 a minute a group (and the bot's own pacing of
    # them) lifted, or the walk would take an hour
    monkeypatch.setattr("bot.transport.limits.GROUP_PER_MINUTE", 1_000_000)
    await w.sb.set_limits(enabled=False)
    await started(w)
    req, _ = await new_request(w, phone=PHONE)
    await accept(w.volunteers[0], w, req.code)
    await w.volunteers[0].reply(contains=ADDRESS)
    await w.leader.send("/help", chat=w.resident_group)  # a bot message there to press on
    await w.leader.reply(chat=w.resident_group)
    await settle(w)
    since = await w.sb.last_seq()
    presses = [(u, w.volunteer_group) for u in (w.leader, w.admin, w.volunteers[0])]
    presses += [(u, w.resident_group) for u in (w.leader, w.resident)]
    anchor = {chat: await w.leader.last(chat) for chat in (w.volunteer_group, w.resident_group)}
    tried = 0
    for _name, codec in sorted(every_codec().items()):
        data = data_of(codec)
        if data is None:
            continue
        for user, chat in presses:
            await user.press("x", chat=chat, message=anchor[chat], data=data, force=True)
            tried += 1
        await settle(w)
    await settle(w)
    leaks = []
    for chat in (w.volunteer_group, w.resident_group):
        for m in await w.sb.messages(chat, since_seq=since):
            if m["from_bot"] and (ADDRESS in text_of(m) or PHONE in text_of(m)):
                leaks.append((chat, text_of(m)[:120]))
    assert tried > 400
    assert leaks == [], "\n".join(f"{c}: {t!r}" for c, t in leaks)
