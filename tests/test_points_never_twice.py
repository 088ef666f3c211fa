"""The same action never earns twice: every action and every button press of community life is
repeated (through the sandbox) and the points ledger is checked; and the last free place of an
event goes to exactly one of many volunteers pressing at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.outbox.notifier import OutboxNotifier
from bot.services.events import planning as events
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict
from bot.services.kernel.roles import Actor
from storage.models import Event, EventSignup, PointsEntry
from tests.support import factories as f
from tests.support.harness import start_emergency
from tests.test_events import _event, _new_event
from tests.test_visits import _log


async def _ledger(db) -> list[tuple[str, int]]:
    async with db.session() as s:
        return sorted((p.ref, p.points) for p in (await s.execute(select(PointsEntry))).scalars())


async def test_every_action_repeated_earns_once(world):
    vol, leader, admin = world.volunteers[0], world.leader, world.admin
    me = world.volunteer_people[0].id
    await vol.send("/start")
    await vol.reply()
    # a door visit, logged twice (the second log is refused)
    await _log(vol, world.household.id, "见到了", note="安好")
    await vol.reply(contains="已记录")
    assert "已经记录过了" in (await vol.press(f"visit:log:{world.household.id}"))["text"]
    # an event: sign-up pressed twice, attendance marked twice
    await _new_event(leader, world=world)
    await world.sb.wait_bot_message(world.volunteer_group, contains="老人免费理发", since=0)
    await vol.press("报名", chat=world.volunteer_group)
    await vol.press("报名", chat=world.volunteer_group)
    ev = await _event(world.db)
    async with world.db.session() as s:
        await s.execute(update(Event).values(starts_at=datetime.now(UTC) - timedelta(minutes=1)))
    for _ in range(2):
        await leader.press("x", data=f"event:att:{ev.id}:{me}:1", force=True)
    # an emergency: the call-up answered twice, ended twice
    await start_emergency(admin, reason="台风", target="1")
    await vol.reply(contains="应急集结")
    await vol.press("到岗")
    await vol.press("到岗")
    await admin.send("/emergency end")
    await admin.reply(contains="应急状态已解除")
    await admin.send("/emergency end")
    assert "没有应急状态" in (await admin.reply())["text"]
    week = await _visit_week(world.db)
    assert await _ledger(world.db) == sorted(
        [(f"visit:{world.household.id}:{me}:{week}", 3), (f"event:{ev.id}:{me}", 5), (f"emergency:1:{me}", 10)]
    )
    await vol.send("/points")
    assert "累计：18 分" in (await vol.reply(contains="红色积分"))["text"]


async def _visit_week(db) -> str:
    from storage.models import DoorVisit

    async with db.session() as s:
        return (await s.execute(select(DoorVisit.week))).scalars().one()


async def test_last_place_goes_to_exactly_one_of_many(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    g = await f.grid(any_db, com.id)
    await f.person(any_db, 1, "网格长", superadmin=True)
    actors = []
    for i in range(12):
        p = await f.person(any_db, 100 + i, f"志愿者{i}", grid_id=g.id)
        await f.volunteer(any_db, p.id, g.id)
        actors.append(Actor(100 + i, f"志愿者{i}"))
    created = await events.create_event(
        core,
        Actor(1, "网格长"),
        title="搬家",
        starts_at=clock.now() + timedelta(days=1),
        place="3 栋楼下",
        slots=3,
        grid_id=g.id,
    )

    async def press(a: Actor) -> bool:
        try:
            await events.sign_up(core, a, created.event.id)
            return True
        except Conflict:
            return False

    results = await asyncio.gather(*(press(a) for a in actors + actors))  # everyone presses twice
    async with any_db.session() as s:
        signed = (await s.execute(select(EventSignup).where(EventSignup.status == "signed"))).scalars().all()
    assert len(signed) == 3 and len({r.volunteer_id for r in signed}) == 3
    # the 9 others are told it is full on both presses; each winner's second press changes nothing
    assert results.count(False) == 18 and results.count(True) == 6
