"""The weekly digest's figures (on SQLite and PostgreSQL), its text, its chart and its fan-out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.services.digests import request_queries
from bot.services.digests import weekly as digests
from bot.services.kernel.errors import InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor
from bot.views.digests import chart as digest_chart
from bot.views.digests import chart_png, render_text
from storage.enums import PointsReason, RequestStatus
from storage.models import DutyResponse, Emergency, HelpRequest, Household, PointsEntry, Rating, VolunteerProfile

from .support import factories as f
from .support.town import at, core_on, keys, log_visit, payload, pending_volunteer, rows, seed_town

WEEK = "2026-W47"  # Monday 16 to Sunday 22 November 2026, Shanghai


def u(*args: int) -> datetime:
    """A Shanghai wall time as UTC (SQLite stores no offset)."""
    return at(*args).astimezone(UTC)


async def _request(
    db, grid_id, created, *, accepted=None, done=None, status="completed", level=0, stars=None, rated=None
) -> HelpRequest:
    async with db.session() as s:
        r = HelpRequest(
            grid_id=grid_id,
            category="errands",
            summary="买菜",
            when_kind="today",
            created_at=created,
            first_accepted_at=accepted,
            done_at=done,
            status=status,
            escalation_level=level,
            address="幸福里 1 栋",
            phone="13800000000",
        )
        s.add(r)
        await s.flush()
        if stars is not None:
            s.add(Rating(request_id=r.id, outcome="done", stars=stars, created_at=rated or done or created))
        return r


async def _points(db, person, points, hours, when, grid_id=None) -> None:
    async with db.session() as s:
        s.add(
            PointsEntry(
                ref=f"t:{person.id}:{when.isoformat()}:{points}",
                person_id=person.id,
                grid_id=grid_id,
                reason=PointsReason.task.value,
                points=points,
                hours=hours,
                created_at=when,
            )
        )


async def busy_week(db):
    town = await seed_town(db, volunteers=2, homes_each=2)
    ga, gb = town.grid.id, town.grid_b.id
    v1, v2 = town.vols
    await _request(db, ga, u(2026, 11, 16, 10), accepted=u(2026, 11, 16, 10, 30), done=u(2026, 11, 16, 14), stars=5)
    await _request(db, ga, u(2026, 11, 17, 9), accepted=u(2026, 11, 17, 11), done=u(2026, 11, 18, 9), stars=3)
    await _request(db, ga, u(2026, 11, 18, 9), accepted=u(2026, 11, 18, 9, 10), status="filled")
    await _request(db, ga, u(2026, 11, 19, 9), status="open", level=2)  # never taken: overdue, escalated
    await _request(db, ga, u(2026, 11, 10, 9), accepted=u(2026, 11, 10, 9, 5), done=u(2026, 11, 17, 9))  # last week's
    await _request(
        db, ga, u(2026, 11, 18, 12), status=RequestStatus.out_of_scope.value, stars=1, rated=u(2026, 11, 18, 13)
    )  # its rating does not count
    await _request(db, ga, u(2026, 11, 22, 23), status="open")  # Sunday 23:00 Shanghai: this week, not overdue yet
    # last week's, taken only on Monday noon, after the digest was made: it was still waiting then
    await _request(db, ga, u(2026, 11, 12, 9), accepted=u(2026, 11, 23, 4), status="filled")
    await _request(db, ga, u(2026, 11, 23, 1), status="open")  # Monday 01:00 Shanghai: next week
    await _request(db, gb, u(2026, 11, 20, 9), status="open")
    h1, h2 = town.homes[v1.id]
    h3, h4 = town.homes[v2.id]
    async with db.session() as s:
        await s.execute(update(Household).values(created_at=u(2026, 10, 1, 9)))
    await log_visit(db, h1, v1, WEEK, when=at(2026, 11, 20, 10))
    await log_visit(db, h2, v1, WEEK, outcome="needs_help", red_flags="fall,no_food", when=at(2026, 11, 20, 11))
    await log_visit(db, h3, v2, WEEK, outcome="not_home", when=at(2026, 11, 20, 12))
    await log_visit(db, h4, v2, "2026-W44", when=at(2026, 10, 30, 12))
    await _points(db, v1, 10, 2.5, u(2026, 11, 16, 14), grid_id=ga)
    await _points(db, v1, 3, 0.0, u(2026, 11, 20, 10), grid_id=ga)
    await _points(db, v2, 5, 1.0, u(2026, 11, 21, 10))  # no grid on the entry: the volunteer's grid counts
    await _points(db, v2, 50, 9.0, u(2026, 11, 9, 10), grid_id=ga)  # last week
    await pending_volunteer(db, ga, 88_001)
    async with db.session() as s:
        storm = Emergency(
            community_id=town.community.id,
            reason="台风<b>",
            started_at=u(2026, 11, 18, 6),
            ended_at=u(2026, 11, 19, 18),
        )
        local = Emergency(community_id=town.community.id, grid_id=gb, reason="积水", started_at=u(2026, 11, 20, 6))
        old = Emergency(
            community_id=town.community.id, reason="旧", started_at=u(2026, 11, 1, 6), ended_at=u(2026, 11, 2, 6)
        )
        s.add_all([storm, local, old])
        await s.flush()
        s.add_all(
            [
                DutyResponse(emergency_id=storm.id, volunteer_id=v1.id, answer="on_duty"),
                DutyResponse(emergency_id=storm.id, volunteer_id=v2.id, answer="on_duty"),
                DutyResponse(emergency_id=storm.id, volunteer_id=town.leader.id, answer="cant"),
            ]
        )
    return town


async def test_the_figures_of_a_busy_week(clock, cfg, any_db):
    town = await busy_week(any_db)
    clock.set(at(2026, 11, 23, 8, 0))
    core = core_on(any_db, clock, cfg)
    a, b = await digests.grid_digests(core, [town.grid.id, town.grid_b.id], WEEK)
    fa = a.figures
    assert (fa.opened, fa.accepted, fa.done, fa.overdue, fa.escalated) == (6, 3, 3, 2, 1)
    assert fa.median_accept == pytest.approx(30 * 60, abs=1)  # 10 min, 30 min, 2 h
    assert fa.median_done == pytest.approx(24 * 3600, abs=1)  # 4 h, 24 h, 7 days
    assert (fa.rated, fa.good, fa.avg_stars) == (2, 1, pytest.approx(4.0))
    assert (fa.visits_done, fa.visits_planned, fa.households_stale) == (3, 4, 2)
    assert fa.needs_help == 1 and fa.flags == {"fall": 1, "no_food": 1}
    assert (fa.points, fa.hours) == (18, 3.5)
    assert fa.top == [("志愿者1", 13), ("志愿者2", 5)]
    assert fa.pending == 1
    assert [(e.reason, e.on_duty, e.ended_at is None) for e in fa.emergencies] == [("台风<b>", 2, False)]
    assert b.figures.opened == 1 and [e.reason for e in b.figures.emergencies] == ["台风<b>", "积水"]

    c = (await digests.community_digest(core, town.community.id, WEEK)).figures
    assert (c.opened, c.done, c.overdue, c.visits_done, c.pending, c.points) == (7, 3, 3, 3, 1, 18)
    assert len(c.emergencies) == 2


async def test_a_city_wide_digest_reads_ratings_the_other_way_with_the_same_figures(clock, cfg, any_db, monkeypatch):
    """Past MANY_KEYS grids (a city's Monday), the week's ratings are read first and look up their
    requests; the figures must be the ones a single grid's digest gives."""
    town = await busy_week(any_db)
    clock.set(at(2026, 11, 23, 8, 0))
    core = core_on(any_db, clock, cfg)
    monkeypatch.setattr(request_queries, "MANY_KEYS", 0)
    a, b = await digests.grid_digests(core, [town.grid.id, town.grid_b.id], WEEK)
    assert (a.figures.rated, a.figures.good, a.figures.avg_stars) == (2, 1, pytest.approx(4.0))
    assert (a.figures.opened, a.figures.overdue, b.figures.rated) == (6, 2, 0)
    c = (await digests.community_digest(core, town.community.id, WEEK)).figures
    assert (c.rated, c.good) == (2, 1)


async def test_the_digest_text_in_both_languages(core, clock, db):
    town = await busy_week(db)
    clock.set(at(2026, 11, 23, 8, 0))
    d = await digests.grid_digest(core, town.grid.id, WEEK)
    zh, en = render_text("zh-CN", d), render_text("en", d)
    assert "第一网格" in zh and "新增 6" in zh and "超时未接 2" in zh and "30 分钟" in zh and "1 天 0 小时" in zh
    assert "满意度 50%" in zh and "已走访 3/4 户" in zh and "两周以上未见面 2 户" in zh
    assert "摔倒 1" in zh and "志愿者1 13" in zh and "1 位志愿者等待审核" in zh
    assert "台风&lt;b&gt;" in zh and "台风<b>" not in zh  # typed by an admin: escaped
    assert "Opened 6" in en and "Median time to accept: 30 min" in en and "11月" not in en
    assert "幸福里 1 栋" not in zh and "13800000000" not in zh  # no addresses or phones
    assert not d.partial and "预览" not in zh


async def test_a_quiet_week_says_so_in_one_line_and_has_no_chart(core, clock, db):
    town = await seed_town(db, volunteers=0)
    clock.set(at(2026, 11, 23, 8, 0))
    d = await digests.grid_digest(core, town.grid.id, WEEK)
    assert d.quiet and "\n" not in render_text("zh-CN", d) and "本周平静" in render_text("zh-CN", d)
    assert chart_png(d, "zh-CN") is None
    await digests.send_weekly_digests(core, town.community.id, WEEK)
    assert await keys(db, "digest:") == [
        f"digest:grid:{town.grid.id}:{WEEK}:{town.leader.id}:text",
        f"digest:community:{town.community.id}:{WEEK}:{town.admin.id}:text",
    ]


async def test_leaders_and_admins_get_chart_then_text_once(core, clock, db, monkeypatch):
    town = await busy_week(db)
    no_leader = await f.grid(db, town.community.id, "第三网格")
    clock.set(at(2026, 11, 23, 8, 0))
    assert await digests.send_weekly_digests(core, town.community.id, WEEK) == 4
    sent = await rows(db, "digest:")
    assert [(r.key.rsplit(":", 1)[1], r.kind, r.chat_id) for r in sent] == [
        ("chart", "photo", town.leader.tg_user_id),
        ("text", "send", town.leader.tg_user_id),
        ("chart", "photo", town.admin.tg_user_id),
        ("text", "send", town.admin.tg_user_id),
    ]
    assert all(payload(r)["silent"] is True and not r.urgent for r in sent)
    assert "社区" in payload(sent[3])["text"] and str(no_leader.id) not in [r.key.split(":")[2] for r in sent]

    drawn = []
    monkeypatch.setattr(digest_chart, "render_chart", lambda *a: drawn.append(a) or b"png")
    assert await digests.send_weekly_digests(core, town.community.id, WEEK) == 0
    assert drawn == []  # a re-run does not even redraw what was already queued


async def test_previews_are_for_leaders_and_admins_only(core, clock, db):
    town = await busy_week(db)
    clock.set(at(2026, 11, 20, 12, 0))
    leader = Actor(town.leader.tg_user_id, "李网格长")
    d = await digests.preview_digest(core, leader, "grid", town.grid.id)
    assert d.week == WEEK and d.partial and "预览" in render_text("zh-CN", d)
    with pytest.raises(NotAllowed):
        await digests.preview_digest(core, leader, "grid", town.grid_b.id)
    with pytest.raises(NotAllowed):
        await digests.preview_digest(core, leader, "community", town.community.id)
    with pytest.raises(NotAllowed):
        await digests.preview_digest(core, Actor(town.vols[0].tg_user_id, "v"), "grid", town.grid.id)
    admin = Actor(town.admin.tg_user_id, "社区书记")
    assert (await digests.preview_digest(core, admin, "grid", town.grid_b.id, "2026-W46")).week == "2026-W46"
    with pytest.raises(InvalidInput):
        await digests.preview_digest(core, admin, "grid", town.grid.id, "2026-W99")
    choices = await digests.digest_choices(core, admin)
    assert [(c.scope, c.target_id) for c in choices] == [
        ("community", town.community.id),
        ("grid", town.grid.id),
        ("grid", town.grid_b.id),
    ]


async def test_suspended_volunteers_do_not_count_as_planned_visits(core, clock, db):
    town = await seed_town(db, volunteers=2, homes_each=1)
    async with db.session() as s:
        await s.execute(
            update(VolunteerProfile).where(VolunteerProfile.person_id == town.vols[1].id).values(status="suspended")
        )
    clock.set(at(2026, 11, 23, 8, 0))
    assert (await digests.grid_digest(core, town.grid.id, WEEK)).figures.visits_planned == 1
