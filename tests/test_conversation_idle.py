"""A conversation left unanswered for bot.conversation_idle_minutes (30 by default) ends: the person
is told on their next message (one line: what was dropped, how to start again) and that message is
handled as any other; the draft, with its address and phone, is deleted from the database even if
they never come back (the leader's sweep); the last activity is stored, so a restart changes
nothing. The bot runs on the test's FakeClock: time moves when the test says so."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import app as wiring
from bot.app import build_application, start_running, stop_running
from bot.gate.expiry import TOLD_FOR, sweep
from handlers.leaving import DRAFTS
from storage.models import ConversationState, UserData
from tests.support.harness import TgUser, text_of
from tests.support.waiting import settle, wait_for

ADDRESS, PHONE = "幸福里 3 栋 401", "13800001111"
IDLE_NOTE_ZH = "⏳ 您没填完的求助已作废，什么也没有发送。（30 分钟没有回复。）要重新开始，请发送 /request。"


@pytest.fixture
def bot_clock(clock, request, monkeypatch):
    """The bot on the test's FakeClock. With `sweeping`, the leader sweeps every few milliseconds
    (else the first sweep, at start, is the only one a test sees)."""
    if "sweeping" in request.fixturenames:
        monkeypatch.setattr(wiring, "SWEEP_SECONDS", 0.02)
    return clock


@pytest.fixture
def sweeping() -> None:
    """The running bot sweeps idle conversations often (see `bot_clock`)."""


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def to_confirm(u: TgUser) -> None:
    """A request filled in up to the last step: the address and the phone are in the draft."""
    await u.send("/request")
    await u.reply(contains="1")
    await u.press("维修")
    await u.reply(contains="2")
    await u.send("水管漏了")
    await u.reply(contains="3")
    await u.press("今天")
    await u.reply(contains="4")
    await u.send(ADDRESS)
    await u.reply(contains="5")
    await u.send(PHONE)
    await u.reply(contains="请核对")


async def stored(db, user: TgUser) -> tuple[str, list[tuple[str, str | None]]]:
    """(the person's drafts as stored, their conversation rows (name, state))."""
    async with db.session() as s:
        row = await s.get(UserData, user.id)
        convs = (await s.execute(select(ConversationState))).scalars().all()
    return (row.data if row else ""), [(c.name, c.state) for c in convs if json.loads(c.key)[-1] == user.id]


async def test_an_idle_request_ends_and_the_next_message_is_told_then_handled(world, clock):
    w, u = world, world.resident
    await to_confirm(u)
    await settle(w)
    drafts, convs = await stored(w.db, u)
    assert ADDRESS in drafts and PHONE in drafts and convs and convs[0][1] is not None
    clock.advance(minutes=31)
    await u.send("/start")
    assert text_of(await u.reply()) == IDLE_NOTE_ZH
    await u.reply(contains="王奶奶")  # then /start as usual
    await settle(w)
    drafts, convs = await stored(w.db, u)
    assert ADDRESS not in drafts and PHONE not in drafts and convs == []


async def test_a_message_after_the_timeout_is_not_taken_as_the_step(world, clock):
    w, u = world, world.resident_en
    await u.send("/request")
    await u.reply(contains="1")
    await settle(w)  # the step is stored (on the clock) before time moves
    clock.advance(minutes=45)
    answer = await u.press("Repairs", message=await u.last(with_button="Repairs"))  # pressed late
    note = text_of(await u.reply())
    assert note.startswith("⏳ Your unfinished request was dropped") and "30 minutes" in note
    assert note.endswith("Send /request to start again.")
    assert answer["show_alert"]  # then the press is answered as any press of an old button
    await settle(w)
    assert not any("Step 2" in t for t in await u.texts())


async def test_activity_keeps_a_conversation_going(world, clock):
    """The clock is the last activity, not the start: a wrong answer counts too."""
    w, u = world, world.resident
    await u.send("/request")
    await u.reply(contains="1")
    await settle(w)  # the step is stored (on the clock) before time moves
    clock.advance(minutes=20)
    await u.send("我要修东西")  # typed instead of pressing a category: the step stays
    assert "按钮" in text_of(await u.reply())
    await settle(w)  # the step is stored (on the clock) before time moves
    clock.advance(minutes=20)
    await u.press("维修", message=await u.last(with_button="维修"))
    assert "第 2 步" in text_of(await u.reply())


async def test_cancel_after_the_timeout_only_says_it_is_over(world, clock):
    w, u = world, world.resident
    await u.send("/volunteer")
    await u.reply("姓名")
    await settle(w)  # the step is stored (on the clock) before time moves
    clock.advance(minutes=31)
    await u.send("/cancel")
    assert text_of(await u.reply()).startswith("⏳ 您没填完的志愿者报名已作废。")
    await settle(w)
    assert len(await w.sb.bot_messages(u.private)) == 3  # the question, the intro, the note: nothing else


async def test_a_restart_keeps_the_last_activity(world, clock):
    """The last activity is in the database: a conversation idle across a restart ends, one
    that is not goes on."""
    w, u, en = world, world.resident, world.resident_en
    await u.send("/request")
    await u.reply(contains="1")
    await settle(w)  # the step is stored (on the clock) before time moves
    clock.advance(minutes=20)
    await en.send("/request")
    await en.reply(contains="1")
    await settle(w)
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        clock.advance(minutes=15)  # 35 minutes for the resident, 15 for Alice
        await u.press("维修", message=await u.last(with_button="维修"))
        assert text_of(await u.reply()) == IDLE_NOTE_ZH
        await en.press("Repairs", message=await en.last(with_button="Repairs"))
        assert "Step 2" in text_of(await en.reply())
    finally:
        await stop_running(app)


async def test_the_sweep_deletes_an_abandoned_draft_though_the_person_never_comes_back(world, clock, sweeping):
    w, u = world, world.resident
    await to_confirm(u)
    await settle(w)
    clock.advance(minutes=29)
    drafts, _ = await stored(w.db, u)
    assert ADDRESS in drafts and PHONE in drafts  # not yet
    clock.advance(minutes=2)

    async def gone() -> bool:
        drafts, convs = await stored(w.db, u)
        return ADDRESS not in drafts and PHONE not in drafts and convs == [("request", None)]

    await wait_for(gone, what="the draft deleted and the conversation ended by the sweep")
    clock.advance(days=2)
    await u.send("你好")  # two days later: still told what happened
    assert text_of(await u.reply()) == IDLE_NOTE_ZH
    await settle(w)
    assert await stored(w.db, u) == ("", [])


async def test_the_sweep_keeps_what_goes_on_and_forgets_old_endings(world, clock):
    w, u, en = world, world.resident, world.resident_en
    await to_confirm(u)
    await settle(w)
    clock.advance(minutes=25)
    await en.send("/request")
    await en.reply(contains="1")
    await settle(w)
    clock.advance(minutes=10)
    assert await sweep(w.db, clock.now(), timedelta(minutes=30), DRAFTS) == 1
    drafts, convs = await stored(w.db, u)
    assert ADDRESS not in drafts and convs == [("request", None)]
    [(_, state)] = (await stored(w.db, en))[1]
    assert state is not None  # Alice's request, 10 minutes old, goes on
    clock.advance(seconds=TOLD_FOR.total_seconds())
    assert await sweep(w.db, clock.now(), timedelta(minutes=30), DRAFTS) == 1  # Alice's, now
    assert (await stored(w.db, u))[1] == []  # the resident's ending is forgotten after a week


async def test_the_sweep_on_sqlite_and_postgresql(any_db):
    """The sweep's statements on both databases: an idle conversation ends and its draft goes, the
    person's other data stays; a conversation going on keeps its draft; an old ending is forgotten."""
    from datetime import UTC, datetime

    now = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)

    def conv(name: str, user: int, state: str | None, minutes_ago: float) -> ConversationState:
        key = json.dumps([user, user])
        return ConversationState(name=name, key=key, state=state, updated_at=now - timedelta(minutes=minutes_ago))

    async with any_db.session() as s:
        s.add(conv("request", 1, json.dumps("confirm"), 31))  # idle
        s.add(conv("request", 2, json.dumps("confirm"), 5))  # going on
        s.add(conv("volunteer_signup", 3, None, 8 * 24 * 60))  # ended unseen a week ago
        old = now - timedelta(minutes=31)
        draft = {"request_draft": {"address": ADDRESS, "phone": PHONE}, "pair_grid": 4}
        s.add(UserData(tg_user_id=1, data=json.dumps(draft, ensure_ascii=False), updated_at=old))
        s.add(UserData(tg_user_id=2, data=json.dumps(draft, ensure_ascii=False), updated_at=old))
        s.add(UserData(tg_user_id=4, data=json.dumps({"signup": {"phone": PHONE}}), updated_at=old))  # no row left
    assert await sweep(any_db, now, timedelta(minutes=30), DRAFTS) == 1
    async with any_db.session() as s:
        convs = {
            (c.name, json.loads(c.key)[-1]): c.state for c in (await s.execute(select(ConversationState))).scalars()
        }
        data = {u.tg_user_id: json.loads(u.data) for u in (await s.execute(select(UserData))).scalars()}
    assert convs == {("request", 1): None, ("request", 2): json.dumps("confirm")}
    assert data == {1: {"pair_grid": 4}, 2: draft}
