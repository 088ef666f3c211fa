"""Red points: /points and the leaderboards through the sandbox; months, ties and scopes in the service."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.services.kernel.errors import InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.points import standing as points
from storage.enums import PointsReason
from storage.points import award
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

SH = ZoneInfo("Asia/Shanghai")


async def _award(db, ref, person_id, pts, when, hours=0.0):
    async with db.session() as s:
        await award(s, ref=ref, person_id=person_id, reason=PointsReason.task, points=pts, hours=hours, now=when)


@pytest.fixture
async def town(core):
    db = core.db
    com = await f.community(db)
    ga, gb = await f.grid(db, com.id, "一网格"), await f.grid(db, com.id, "二网格")
    t = SimpleNamespace(core=core, db=db, ga=ga, gb=gb, people={})
    for tg, name, grid in [(1, "甲", ga), (2, "乙", ga), (3, "丙", ga), (4, "丁", gb)]:
        p = await f.person(db, tg, name, grid_id=grid.id)
        await f.volunteer(db, p.id, grid.id)
        t.people[name] = p
    return t


def actor(tg):
    return Actor(tg_user_id=tg, name="x", language="zh-hans")


async def test_month_board_counts_from_midnight_on_the_first_in_the_community_time_zone(town):
    now = town.core.clock.now()  # 18 November 2026
    # 31 Oct 17:00 UTC is 1 Nov 01:00 in Shanghai: this month. 31 Oct 15:00 UTC is still October there.
    await _award(town.db, "a", town.people["甲"].id, 10, datetime(2026, 10, 31, 17, 0, tzinfo=ZoneInfo("UTC")))
    await _award(town.db, "b", town.people["乙"].id, 50, datetime(2026, 10, 31, 15, 0, tzinfo=ZoneInfo("UTC")))
    await _award(town.db, "c", town.people["丙"].id, 4, now, hours=1.5)
    month = await points.leaderboard(town.core, actor(1), "grid", "month")
    assert [(r.name, r.points) for r in month.rows] == [("甲", 10), ("丙", 4)]
    assert month.rows[0].is_me and month.place == "一网格"
    alltime = await points.leaderboard(town.core, actor(1), "grid", "all")
    assert [(r.rank, r.name, r.points) for r in alltime.rows] == [(1, "乙", 50), (2, "甲", 10), (3, "丙", 4)]


async def test_ties_share_a_rank_and_community_board_spans_grids(town):
    now = town.core.clock.now()
    for ref, name, pts in [("1", "甲", 7), ("2", "乙", 7), ("3", "丙", 3), ("4", "丁", 9)]:
        await _award(town.db, ref, town.people[name].id, pts, now)
    grid = await points.leaderboard(town.core, actor(3), "grid", "all")
    assert [r.rank for r in grid.rows] == [1, 1, 3]
    community = await points.leaderboard(town.core, actor(3), "community", "all")
    assert [(r.rank, r.name) for r in community.rows] == [(1, "丁"), (2, "甲"), (2, "乙"), (4, "丙")]
    mine = await points.my_points(town.core, actor(3))
    assert (mine.points, mine.rank, mine.ranked) == (3, 3, 3)


async def test_an_applicant_still_waiting_or_one_who_left_is_not_counted_in_the_rank(town):
    from storage.enums import VolunteerStatus

    for tg, name, status in [(5, "戊", VolunteerStatus.pending), (6, "己", VolunteerStatus.left)]:
        p = await f.person(town.db, tg, name, grid_id=town.ga.id)
        await f.volunteer(town.db, p.id, town.ga.id, status=status)
    await _award(town.db, "x", town.people["甲"].id, 5, town.core.clock.now())
    mine = await points.my_points(town.core, actor(1))
    assert (mine.rank, mine.ranked) == (1, 3)  # 甲, 乙, 丙: "1 of 3 volunteers", not of 5
    board = await points.leaderboard(town.core, actor(1), "grid", "all")
    assert {r.name for r in board.rows} <= {"甲", "乙", "丙"}


async def test_my_line_is_shown_when_i_am_below_the_top(town):
    now = town.core.clock.now()
    for i in range(12):
        p = await f.person(town.db, 100 + i, f"V{i}", grid_id=town.ga.id)
        await f.volunteer(town.db, p.id, town.ga.id)
        await _award(town.db, f"v{i}", p.id, 20 + i, now)
    board = await points.leaderboard(town.core, actor(1), "grid", "all")
    assert len(board.rows) == 10 and not any(r.is_me for r in board.rows)
    assert board.me is not None and board.me.points == 0 and board.me.rank == 13


async def test_bad_boards_and_non_volunteers_are_refused(town):
    with pytest.raises(InvalidInput):
        await points.leaderboard(town.core, actor(1), "city'; --", "all")
    with pytest.raises(NotAllowed):
        await points.my_points(town.core, actor(777))


async def test_points_command_shows_points_hours_rank_and_switches_boards(world):
    vol = world.volunteers[0]
    now = datetime.now(SH)
    await _award(world.db, "task:1:x", world.volunteer_people[0].id, 12, now, hours=2.5)
    await _award(world.db, "task:2:x", world.volunteer_people[1].id, 20, now)
    await vol.send("/points")
    msg = await vol.reply()
    assert "累计：12 分" in text_of(msg) and "服务 2.5 小时" in text_of(msg)
    assert text_of(msg).endswith("看看大家的积分榜，请点下面的按钮：") and len(buttons_of(msg)) == 4
    assert "第 2 名（共 3 名志愿者）" in text_of(msg)
    await vol.press("本网格 · 本月")
    board = await vol.reply(edited=True, contains="第一网格")
    assert "🥇1. 王志愿 — 20 分" in text_of(board) and "🥈2. 张志愿 — 12 分 · 2.5 小时 ← 我" in text_of(board)
    await vol.press("全社区 · 累计")
    board = await vol.reply(edited=True, contains="幸福里社区")
    assert "王志愿" in text_of(board)


async def test_points_in_english_and_a_resident_is_told_it_is_for_volunteers(world):
    tom = await world.bot.user(2201, "Tom", lang="en")
    p = await f.person(world.db, 2201, "Tom", grid_id=world.grid_a.id, language="en")
    await f.volunteer(world.db, p.id, world.grid_a.id)
    await tom.send("/points")
    msg = await tom.reply()
    assert "Your red points" in text_of(msg) and "of 4 volunteers" in text_of(msg)
    assert text_of(msg).endswith(
        "Nobody is on the leaderboards yet. A task, a door visit or an event earns the first red points."
    )
    assert not buttons_of(msg)  # four empty boards to choose from would say nothing
    await _award(world.db, "task:1:x", world.volunteer_people[0].id, 12, datetime(2026, 1, 5, tzinfo=SH))  # long ago
    await tom.send("/points")
    msg = await tom.reply()
    assert text_of(msg).endswith("See the leaderboards: tap a button below.") and buttons_of(msg)
    await tom.press("Community · this month")
    assert "No points earned yet" in text_of(await tom.reply(edited=True))
    await world.resident.send("/points")
    assert "面向志愿者" in text_of(await world.resident.reply())


async def test_points_before_anyone_earned_any_say_so_instead_of_an_empty_leaderboard_line(world):
    vol = world.volunteers[0]
    await vol.send("/points")
    msg = await vol.reply()
    assert "累计：0 分" in text_of(msg)
    assert text_of(msg).endswith("积分榜上还没有人。完成一次服务、入户走访或参加活动，就能获得第一批红色积分。")
    assert not buttons_of(msg) and "积分榜：" not in text_of(msg)


async def test_forged_board_press_is_refused(world):
    vol = world.volunteers[0]
    await vol.send("/points")
    await vol.reply()
    answer = await vol.press("x", data="points:board:planet:all", force=True)
    assert answer["show_alert"] and "没有这个积分榜" in answer["text"]
