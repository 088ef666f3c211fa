"""Hostile input through the real handlers (Hypothesis): random walks of a resident, a volunteer, a
grid leader and an admin — hostile text, commands with hostile arguments, the buttons the bot
offers, forged callback data, contacts (their own and someone else's), messages in the groups —
and every step of every guided conversation fed hostile text and forged presses.

After every step: the bot answered in the private chat (a message, an edit or the callback answer),
no error reached the error handler (no crash), and at the end of every example the database holds
nothing out of its columns' domain. Examples per test: REDVEST_FUZZ_EXAMPLES (default 12);
REDVEST_FUZZ_RANDOM=1 explores new examples instead of the fixed sequence.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text

from storage.models import ConversationState, UserData
from tests.support.fuzz import (
    EXAMPLES,
    Driver,
    callback_patterns,
    check_invariants,
    commands,
    errors_now,
    forged_data,
    hostile_text,
    run_property,
    walk_handlers,
)

pytestmark = pytest.mark.timeout(300)
SENSIBLE = [
    "帮忙修一下厨房水龙头",
    "幸福里 3 栋 2 单元 401",
    "Building 3, Room 401",
    "11-30",
    "2026-12-01",
    "2",
    "1.5",
    "王小明",
    "Alice Wang",
    "13800138000",
    "周末上午有空",
    "门锁修好了",
    "谢谢",
    "临时有事",
    "免费理发",
    "12",
    "2026-12-05 09:00",
    "社区活动室",
    "台风",
    "幸福里社区",
    "第三网格",
    "ok",
    "是",
]


@pytest.fixture
def db(any_db):
    """On SQLite and on PostgreSQL: PostgreSQL refuses what SQLite lets through (an id past an
    INTEGER column, a string past its VARCHAR), so hostile input must be stopped before either."""
    return any_db


@pytest.fixture
async def driver(world):
    """The world's bot, no longer polling: the tests hand it each update themselves."""
    await world.bot.app.bot_data["poller"].stop()
    world.sb.state.updates.clear()
    return Driver(world.bot.app, world.sb.state)


async def reset(db, user_id: int) -> None:
    """Out of every conversation (the bot reads the states from the database before each update)."""
    async with db.session() as s:
        await s.execute(delete(ConversationState).where(ConversationState.key.like(f"%, {user_id}]")))
        await s.execute(delete(UserData).where(UserData.tg_user_id == user_id))


def steps(driver: Driver, groups: list[int]) -> st.SearchStrategy:
    cmds = commands(driver.app)
    phone = st.one_of(
        st.sampled_from(["+8613800138000", "13800138000", "1", "+" + "9" * 40, "abc", "+86 (138) 0013-8000"]),
        st.text(min_size=1, max_size=30),
    )
    button = st.tuples(st.just("button"), st.integers(0, 40))
    sensible = st.tuples(st.just("text"), st.sampled_from(SENSIBLE))
    # weighted towards the buttons the bot offers and sensible answers, so walks get deep into
    # the conversations; hostile input is mixed in at every depth
    return st.lists(
        st.one_of(
            button,
            button,
            button,
            sensible,
            sensible,
            st.tuples(st.just("text"), hostile_text),
            st.tuples(st.just("text"), hostile_text),
            st.tuples(st.just("command"), st.sampled_from(cmds), st.one_of(st.just(""), hostile_text)),
            st.tuples(st.just("forged"), forged_data(callback_patterns(driver.app))),
            st.tuples(st.just("contact"), st.booleans(), phone),
            st.tuples(st.just("group"), st.sampled_from(groups), st.sampled_from(cmds), hostile_text),
            st.tuples(st.just("group_button"), st.sampled_from(groups), st.integers(0, 40)),
        ),
        min_size=1,
        max_size=8,
    )


def short(step: object) -> str:
    r = repr(step)
    return r if len(r) <= 160 else r[:150] + f"...({len(r)} chars)"


async def act(driver: Driver, uid: int, step: tuple) -> None:
    kind = step[0]
    if kind == "text":
        assert await driver.say(uid, step[1]), f"no answer to {short(step)}"
    elif kind == "command":
        assert await driver.say(uid, f"/{step[1]} {step[2]}".strip()), f"no answer to {short(step)}"
    elif kind in ("button", "forged"):
        buttons = driver.buttons(uid)
        if kind == "button" and not buttons:
            return
        message_id, data = buttons[step[1] % len(buttons)] if kind == "button" else (None, step[1])
        assert await driver.press(uid, uid, data, message_id) is not None, f"press not answered: {data!r}"
    elif kind == "contact":
        driver.state.user_contact(uid, step[2])
        if not step[1]:  # someone else's contact card
            driver.state.updates[-1]["message"]["contact"]["user_id"] = uid + 77
        since = driver.state.seq
        await driver.pump()
        assert driver._answered(since, uid), f"no answer to {short(step)}"
    elif kind == "auto":  # what a cooperative person does: press a button of the newest message, or answer
        newest = next((m for m in reversed(driver.bot_messages(uid))), None)
        buttons = [
            b["callback_data"]
            for row in ((newest or {}).get("reply_markup") or {}).get("inline_keyboard") or []
            for b in row
            if b.get("callback_data")
        ]
        if buttons:
            assert await driver.press(uid, uid, buttons[step[1] % len(buttons)], newest["message_id"]) is not None
        else:
            assert await driver.say(uid, SENSIBLE[step[1] % len(SENSIBLE)]), f"no answer to {short(step)}"
    elif kind == "group":
        await driver.say(uid, f"/{step[2]} {step[3]}", chat_id=step[1])
    elif kind == "group_button":
        buttons = driver.buttons(step[1])
        if buttons:
            message_id, data = buttons[step[2] % len(buttons)]
            assert await driver.press(uid, step[1], data, message_id) is not None, f"group press not answered: {data!r}"


def journeys(driver: Driver, groups: list[int]) -> st.SearchStrategy:
    """A command, a few cooperative steps (deep into its conversation, with a real draft), then
    anything: the hostile part starts at every depth."""
    cooperative = st.lists(st.tuples(st.just("auto"), st.integers(0, 5)), max_size=9)
    return st.builds(
        lambda c, coop, rest: [("command", c, "")] + coop + rest,
        st.sampled_from(commands(driver.app)),
        cooperative,
        steps(driver, groups),
    )


async def walk(world, driver: Driver, user, groups: list[int]) -> None:
    loop = asyncio.get_running_loop()
    await driver.say(user.id, "/start")

    async def example(walk_steps: list) -> None:
        await reset(world.db, user.id)
        before = errors_now()
        for step in walk_steps:
            await act(driver, user.id, step)
            assert errors_now() == before, f"the error handler ran after {short(step)}"
        await check_invariants(world.db)

    await asyncio.to_thread(run_property, loop, journeys(driver, groups), example)


async def test_a_resident_cannot_break_anything(world, driver):
    await walk(world, driver, world.resident, [world.resident_group])


async def test_a_volunteer_cannot_break_anything(world, driver):
    await walk(world, driver, world.volunteers[0], [world.volunteer_group])


async def test_a_grid_leader_cannot_break_anything(world, driver):
    await walk(world, driver, world.leader, [world.volunteer_group, world.resident_group])


async def test_an_admin_cannot_break_anything(world, driver):
    await walk(world, driver, world.admin, [world.volunteer_group])


def conversation_states(app) -> list[tuple[str, object]]:
    from telegram.ext import ConversationHandler

    out = []
    for h in walk_handlers(app):
        if isinstance(h, ConversationHandler) and h.persistent and h.name:
            out += [
                (h.name, state)
                for state in h.states
                if state not in (ConversationHandler.TIMEOUT, ConversationHandler.WAITING)
            ]
    return out


async def test_every_conversation_step_survives_hostile_input_and_forged_presses(world, driver):
    """Each step of each guided conversation, entered directly (as after a restart that kept the
    step but lost the draft), gets hostile text and forged presses from a leader (who may use
    most conversations) and from a resident."""
    loop = asyncio.get_running_loop()
    states = conversation_states(driver.app)
    assert len(states) >= 10, states
    forged = forged_data(callback_patterns(driver.app))
    users = [world.leader, world.resident]
    for u in users:
        await driver.say(u.id, "/start")
    poke = st.tuples(
        st.sampled_from(states),
        st.sampled_from(users),
        st.lists(
            st.one_of(st.tuples(st.just("text"), hostile_text), st.tuples(st.just("forged"), forged)),
            min_size=1,
            max_size=3,
        ),
    )

    async def example(case: tuple) -> None:
        (name, state), user, pokes = case
        await reset(world.db, user.id)
        async with world.db.session() as s:
            s.add(ConversationState(name=name, key=json.dumps([user.id, user.id]), state=json.dumps(state)))
        before = errors_now()
        for p in pokes:
            await act(driver, user.id, p)
            assert errors_now() == before, f"the error handler ran in {name}/{state} after {short(p)}"
        await check_invariants(world.db)

    await asyncio.to_thread(run_property, loop, poke, example, EXAMPLES * 4)


IMPORTANT = [
    "help_request",
    "assignment",
    "rating",
    "points_entry",
    "volunteerprofile",
    "rolegrant",
    "chatbinding",
    "household",
    "pairing",
    "event",
    "eventsignup",
    "emergency",
    "duty_response",
    "door_visit",
    "community",
    "grid",
    "outbox",
]


async def snapshot(db) -> dict[str, list]:
    out = {}
    async with db.session() as s:
        for table in IMPORTANT:
            conn = await s.connection()
            out[table] = [tuple(r) for r in (await conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))).all()]
    return out


async def test_forged_callback_data_from_a_resident_changes_nothing(world, driver):
    """A resident with no requests and no roles presses data shaped like every handler's buttons,
    with ids of real rows: every press is answered, nothing in the community changes."""
    loop = asyncio.get_running_loop()
    resident = world.resident_en
    await driver.say(resident.id, "/start")
    before = await snapshot(world.db)

    async def example(datas: list[str]) -> None:
        errors = errors_now()
        for data in datas:
            assert await driver.press(resident.id, resident.id, data) is not None, f"not answered: {data!r}"
            assert errors_now() == errors, f"the error handler ran after {data!r}"
        await reset(world.db, resident.id)

    await asyncio.to_thread(
        run_property,
        loop,
        st.lists(forged_data(callback_patterns(driver.app)), min_size=1, max_size=5),
        example,
        EXAMPLES * 2,
    )
    after = await snapshot(world.db)
    changed = [t for t in IMPORTANT if before[t] != after[t]]
    assert changed == [], {t: (len(before[t]), len(after[t])) for t in changed}
    async with world.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(UserData)) is not None
