"""The community-life services on SQLite and PostgreSQL: weeks in the community's time zone,
unlogged visits, the ledger's readers, leaderboards and an emergency, with a controllable clock."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.outbox.notifier import OutboxNotifier
from bot.services import visits
from bot.services.emergency import callups as emergency
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.roles import Actor
from bot.services.points import standing as points
from bot.services.visits import ledger
from tests.support import factories as f

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def town(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    ga, gb = await f.grid(any_db, com.id, "甲网格"), await f.grid(any_db, com.id, "乙网格")
    leader = await f.person(any_db, 10, "网格长", grid_id=ga.id)
    await f.leader(any_db, leader.id, ga.id)
    await f.person(any_db, 99, "书记", superadmin=True)
    vol = await f.person(any_db, 20, "志愿者", grid_id=ga.id)
    await f.volunteer(any_db, vol.id, ga.id, shock_team=True)
    stranger = await f.person(any_db, 30, "别的志愿者", grid_id=gb.id)
    await f.volunteer(any_db, stranger.id, gb.id, shock_team=True)
    h1, h2 = await f.household(any_db, ga.id, "1 号"), await f.household(any_db, ga.id, "2 号")
    await f.pair(any_db, vol.id, h1.id)
    await f.pair(any_db, vol.id, h2.id)
    return SimpleNamespace(
        core=core,
        clock=clock,
        vol=vol,
        h1=h1,
        h2=h2,
        ga=ga,
        gb=gb,
        v=Actor(20, "志愿者"),
        leader=Actor(10, "网格长"),
        stranger=Actor(30, "别的志愿者"),
        admin=Actor(99, "书记"),
    )


async def test_week_is_the_iso_week_in_the_community_time_zone(town):
    # Sunday 22 Nov 2026 23:30 in Shanghai is still week 47 there (15:30 UTC); Monday 00:30 is week 48
    town.clock.set(datetime(2026, 11, 22, 23, 30, tzinfo=SH))
    first = await visits.log_door_visit(town.core, town.v, town.h1.id, "met")
    assert first.week == "2026-W47"
    town.clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=SH))
    second = await visits.log_door_visit(town.core, town.v, town.h1.id, "not_home")
    assert second.week == "2026-W48"
    assert [v.week for v in await ledger.household_ledger(town.core, town.leader, town.h1.id)] == [
        "2026-W48",
        "2026-W47",
    ]


async def test_unlogged_visits_and_the_second_log_of_a_week(town):
    assert {h.id for h in await visits.unlogged_visits(town.core, town.vol.id, "2026-W47")} == {town.h1.id, town.h2.id}
    await visits.log_door_visit(town.core, town.v, town.h2.id, "needs_help", "缺米", ["no_food", "no_food"])
    assert [h.id for h in await visits.unlogged_visits(town.core, town.vol.id, "2026-W47")] == [town.h1.id]
    assert await visits.unlogged_visits(town.core, town.vol.id, "2026-W48") != []
    with pytest.raises(visits.AlreadyLogged):
        await visits.log_door_visit(town.core, town.v, town.h2.id, "met")
    [v] = await ledger.household_ledger(town.core, town.v, town.h2.id)
    assert (v.outcome, v.note, v.red_flags) == ("needs_help", "缺米", "no_food")


async def test_visit_refusals_change_nothing(town):
    with pytest.raises(NotAllowed):
        await visits.log_door_visit(town.core, town.stranger, town.h1.id, "met")
    with pytest.raises(NotAllowed):
        await visits.log_door_visit(town.core, town.leader, town.h1.id, "met")  # leaders are not paired
    with pytest.raises(InvalidInput):
        await visits.log_door_visit(town.core, town.v, town.h1.id, "met", red_flags=["fall"])
    with pytest.raises(InvalidInput):
        await visits.log_door_visit(town.core, town.v, town.h1.id, "needs_help", red_flags=["aliens"])
    with pytest.raises(InvalidInput):
        await visits.log_door_visit(town.core, town.v, town.h1.id, "exploded")
    with pytest.raises(InvalidInput):
        await visits.log_door_visit(town.core, town.v, town.h1.id, "met", note="x" * 1001)
    with pytest.raises(NotFound):
        await visits.log_door_visit(town.core, town.v, 999_999, "met")
    with pytest.raises(NotAllowed):
        await ledger.household_ledger(town.core, town.stranger, town.h1.id)
    assert await ledger.household_ledger(town.core, town.v, town.h1.id) == []


async def test_ledger_pages_for_a_leader(town):
    for i in range(10):
        await f.household(town.core.db, town.ga.id, f"{i + 3} 号")
    first = await ledger.ledger_households(town.core, town.leader, 0)
    assert (first.page, first.pages, len(first.rows)) == (0, 2, 8)
    last = await ledger.ledger_households(town.core, town.leader, 99)
    assert (last.page, len(last.rows)) == (1, 4)
    mine = await ledger.ledger_households(town.core, town.v, 0)
    assert [r.household.id for r in mine.rows] == [town.h1.id, town.h2.id]
    with pytest.raises(NotFound):
        await ledger.ledger_households(town.core, Actor(12345, "路人"), 0)


async def test_points_and_emergency_on_both_databases(town):
    await visits.log_door_visit(town.core, town.v, town.h1.id, "met")
    started = await emergency.start_emergency(
        town.core, town.admin, community_id=town.ga.community_id, reason="暴雨", target=2
    )
    assert started.called == 2  # both grids' shock teams
    with pytest.raises(Conflict):
        await emergency.start_emergency(town.core, town.admin, grid_id=town.gb.id, reason="暴雨", target=1)
    await emergency.answer_call_up(town.core, town.stranger, started.emergency.id, "on_duty")
    await emergency.answer_call_up(town.core, town.v, started.emergency.id, "cant")
    town.clock.advance(hours=1)
    ended = await emergency.end_emergency(town.core, town.admin, started.emergency.id)
    assert (ended.on_duty, ended.awarded) == (1, 1)
    with pytest.raises(Conflict):
        await emergency.answer_call_up(town.core, town.v, started.emergency.id, "on_duty")
    board = await points.leaderboard(town.core, town.v, "community", "month")
    assert [(r.name, r.points, r.hours) for r in board.rows] == [("别的志愿者", 10, 1.0), ("志愿者", 3, 0.0)]
    mine = await points.my_points(town.core, town.v)
    assert (mine.points, mine.rank, mine.ranked) == (3, 1, 1)
