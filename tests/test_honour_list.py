"""Who is on the honour list (好人榜), on SQLite and PostgreSQL: a month cut in the community's time
zone, confirmed points only, ties sharing a rank, the average of the month's ratings, opted-out,
forgotten and unapproved volunteers left off (the others' ranks close up); and the dashboard's page."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.jobs.honour_list import honour_window
from bot.services.honour import SIZE, honour_list, month_bounds, previous_month
from storage.enums import AssignmentStatus, PointsReason, VolunteerStatus
from storage.models import Assignment, HelpRequest, HonourOptOut, Person, PointsEntry, Rating
from tests.support import factories as f
from tests.support.dashboard import csrf_of, new_client, page, sign_in
from tests.support.town import at


async def _award(db, person_id: int, points: int, when: datetime, n: int = 0) -> None:
    async with db.session() as s:
        s.add(
            PointsEntry(
                ref=f"t:{person_id}:{when.isoformat()}:{n}",
                person_id=person_id,
                reason=PointsReason.adjustment.value,
                points=points,
                created_at=when.astimezone(UTC),
            )
        )


async def _rated(db, grid_id: int, volunteer_id: int, stars: int, when: datetime, status=AssignmentStatus.done) -> None:
    async with db.session() as s:
        r = HelpRequest(grid_id=grid_id, category="repairs", summary="修", when_kind="today", address="x")
        s.add(r)
        await s.flush()
        s.add(Assignment(request_id=r.id, volunteer_id=volunteer_id, status=status.value))
        s.add(Rating(request_id=r.id, outcome="done", stars=stars, created_at=when.astimezone(UTC)))


async def test_the_list_of_a_month(any_db):
    db = any_db
    com = await f.community(db)
    ga, gb = await f.grid(db, com.id, "第一网格"), await f.grid(db, com.id, "第二网格")
    other = await f.grid(db, (await f.community(db, "别的社区")).id)
    people = {}
    for i, (name, grid) in enumerate(
        [("甲", ga), ("乙", ga), ("丙", gb), ("丁", gb), ("退出", ga), ("忘记", ga), ("待批", ga), ("外社区", other)]
    ):
        p = await f.person(db, 5000 + i, name, grid_id=grid.id)
        status = VolunteerStatus.pending if name == "待批" else VolunteerStatus.approved
        await f.volunteer(db, p.id, grid.id, status=status)
        people[name] = p.id
    nov = at(2026, 11, 15, 10)
    await _award(db, people["甲"], 20, nov)
    await _award(db, people["甲"], -5, nov, 1)  # an adjustment counts, down too
    await _award(db, people["乙"], 15, at(2026, 11, 30, 23, 30))  # still November in Shanghai (15:30 UTC)
    await _award(db, people["丙"], 15, nov)
    await _award(db, people["丁"], 9, at(2026, 12, 1, 0, 10))  # December in Shanghai, though 30 Nov in UTC
    await _award(db, people["丁"], 3, at(2026, 10, 31, 23, 0))  # October
    for name in ("退出", "忘记", "待批", "外社区"):
        await _award(db, people[name], 99, nov)
    async with db.session() as s:
        s.add(HonourOptOut(person_id=people["退出"]))
        forgotten = await s.get(Person, people["忘记"])
        forgotten.forgotten_at = nov
    await _rated(db, ga.id, people["甲"], 5, nov)
    await _rated(db, ga.id, people["甲"], 4, nov)
    await _rated(db, ga.id, people["甲"], 1, at(2026, 12, 2, 9))  # December's rating
    await _rated(db, ga.id, people["乙"], 1, nov, status=AssignmentStatus.released)  # not their work in the end
    async with db.session() as s:
        honour = await honour_list(s, com.id, "2026-11")
    assert [(r.rank, r.name, r.points, r.rating, r.ratings) for r in honour.rows] == [
        (1, "甲", 15, 4.5, 2),
        (1, "乙", 15, None, 0),
        (1, "丙", 15, None, 0),
    ]
    async with db.session() as s:
        december = await honour_list(s, com.id, "2026-12")
    assert [(r.rank, r.name, r.points, r.rating) for r in december.rows] == [(1, "丁", 9, None)]


async def test_ties_at_the_last_place_all_stay(db):
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    for i in range(SIZE + 3):
        p = await f.person(db, 6000 + i, f"志愿者{i}", grid_id=grid.id)
        await f.volunteer(db, p.id, grid.id)
        await _award(db, p.id, 100 - i if i < SIZE - 1 else 10, at(2026, 11, 3, 10))
    async with db.session() as s:
        honour = await honour_list(s, com.id, "2026-11")
    assert [r.rank for r in honour.rows] == [*range(1, SIZE), SIZE, SIZE, SIZE, SIZE]


def test_months_and_the_window_are_cut_in_the_community_time_zone():
    start, end = month_bounds("2026-12", "Asia/Shanghai")
    assert (start, end) == (datetime(2026, 11, 30, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))
    assert previous_month("2027-01") == "2026-12"
    month, opens, closes = honour_window("Asia/Shanghai", at(2027, 1, 2, 8))
    assert month == "2026-12" and opens == at(2027, 1, 1, 9) and (closes - opens).days == 3


async def test_the_dashboard_shows_the_honour_list_in_both_languages(office, web_base):
    o = office
    await _award(o.db, o.vol_a.id, 12, at(2026, 10, 20, 10))
    await _award(o.db, o.vol_b.id, 7, at(2026, 10, 21, 10))
    await _rated(o.db, o.grid_a.id, o.vol_a.id, 5, at(2026, 10, 22, 10))
    async with new_client() as c:
        await sign_in(c, o.core, 1001)
        status, body = await page(c, f"{web_base}/dashboard/honour")  # the clock: 18 November, so October
        assert status == 200 and "幸福里社区 · 2026年10月" in body
        assert "张志愿" in body and "★5.0（1 次评价）" in body and "孙志愿" in body and "暂无评价" in body
        status, body = await page(c, f"{web_base}/dashboard/honour?month=2026-09")
        assert "这个月还没有人获得积分" in body
        status, body = await page(c, f"{web_base}/dashboard/honour?month=%3Cscript%3E")
        assert status == 200 and "<script>" not in body and "2026年10月" in body
        token = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "csrf": token, "next": "/"}):
            pass
        status, body = await page(c, f"{web_base}/dashboard/honour")
        assert "Honour list" in body and "October 2026" in body and "★5.0 (1 rating)" in body and "dash." not in body
