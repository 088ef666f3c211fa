"""No button pressed and no command typed in a group chat ever puts a resident's address or phone
there, sent or edited in. Buttons: every codec the views declare, pressed by the grid's leader, the
admin, the volunteer on the task and a department's contact in the volunteer group, and by the
leader and the resident in the residents' group, with the ids of real rows (a request taken and
forwarded to a department with its address and phone, a household with a care plan and a problem
found on a visit). Buttons are never trusted: a forged or misplaced press included."""

from __future__ import annotations

import pytest

from bot.services import care, referrals
from bot.services.kernel.roles import Actor
from bot.services.visits import record_visit
from bot.views.callbacks import Int, One
from tests.support.fuzz import commands
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


async def town_with_details(w, monkeypatch) -> tuple[object, object]:
    """A request taken and forwarded with its address and phone, a household with a care plan and a
    problem found on a visit; the department's contact (老周) in the volunteers' group."""
    # hundreds of answers in two groups: Telegram's 20 a minute a group (and the bot's own pacing of
    # them) lifted, or the walk would take an hour
    monkeypatch.setattr("bot.transport.limits.GROUP_PER_MINUTE", 1_000_000)
    await w.sb.set_limits(enabled=False)
    await started(w)
    req, _ = await new_request(w, phone=PHONE)
    await accept(w.volunteers[0], w, req.code)
    await w.volunteers[0].reply(contains=ADDRESS)
    core, admin, leader = w.bot.core, Actor(9001, "社区书记"), Actor(1001, "李网格长")
    zhou = await w.bot.user(5001, "老周")  # the department's contact, also in the volunteers' group
    await zhou.send("/start")
    await zhou.reply()
    await w.sb.member(w.volunteer_group, zhou.id)
    dep = await referrals.add_department(core, admin, "街道城管科", 5001)
    await referrals.forward(core, admin, req.id, dep.id, address=True, phone=True, days=3)
    await zhou.reply(contains=ADDRESS)
    await record_visit(core, Actor(2001, "张志愿"), w.household.id, "needs_help", "暖气不热", ["no_heating"])
    await care.create_plan(core, leader, w.household.id, "量血压", weekday=0)
    await w.leader.send("/help", chat=w.resident_group)  # a bot message there to press on
    await w.leader.reply(chat=w.resident_group)
    await settle(w)
    return req, zhou


def leaks_since(events: list[dict], groups: tuple[int, ...]) -> list[str]:
    out = []
    for ev in events:  # every message sent there, and every edit of one
        m = ev.get("message") or {}
        if ev.get("chat_id") in groups and ev["type"] != "message_deleted":
            if ADDRESS in text_of(m) or PHONE in text_of(m):
                out.append(f"{ev['chat_id']} {ev['type']}: {text_of(m)[:120]}")
    return out


async def test_no_press_in_a_group_shows_an_address_or_a_phone(world, monkeypatch):
    w = world
    req, zhou = await town_with_details(w, monkeypatch)
    since = await w.sb.last_seq()
    presses = [(u, w.volunteer_group) for u in (w.leader, w.admin, w.volunteers[0], zhou)]
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
    assert tried > 400
    leaks = leaks_since(await w.sb.events(since), (w.volunteer_group, w.resident_group))
    assert leaks == [], "\n".join(leaks)


async def test_no_command_typed_in_a_group_shows_an_address_or_a_phone(world, monkeypatch):
    """Every command the bot knows, bare, with a number and with the request's code, typed in both
    groups by the leader and the admin (who may see everything in private)."""
    w = world
    req, _ = await town_with_details(w, monkeypatch)
    since = await w.sb.last_seq()
    typed = 0
    for command in commands(w.bot.app):
        for text in (f"/{command}", f"/{command} 1", f"/{command} {req.code}"):
            for user, chat in (
                (w.leader, w.volunteer_group),
                (w.admin, w.volunteer_group),
                (w.leader, w.resident_group),
            ):
                await user.send(text, chat=chat)
                typed += 1
            await settle(w)
    await settle(w)
    assert typed > 300
    leaks = leaks_since(await w.sb.events(since), (w.volunteer_group, w.resident_group))
    assert leaks == [], "\n".join(leaks)
