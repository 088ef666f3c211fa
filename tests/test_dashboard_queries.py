"""The dashboard's figures, on SQLite and PostgreSQL: the week's key figures, the weekly series,
volunteers, households, events and emergencies — computed from a known little history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.outbox.notifier import OutboxNotifier
from bot.services.exchange.exports import ExportRequest, export_bytes, viewer_export_scope
from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.office.board import BoardFilter, list_requests
from bot.services.office.dashboard import load_scope, week_figures
from bot.services.office.life import emergency_rows, event_rows
from bot.services.office.login import issue_login_link, redeem_login_link
from bot.services.office.people import household_page, volunteer_lists
from bot.services.office.trends import weekly_trends
from bot.views.exchange import export_labels
from storage.enums import PointsReason, VolunteerStatus
from storage.models import Assignment, DoorVisit, DutyResponse, Emergency, Event, EventSignup, HelpRequest, Rating
from storage.points import award

from .conftest import SHANGHAI
from .support import factories as f


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Shanghai wall-clock time in 2026, stored as UTC like the services store it."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
async def history(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)  # "now": Wed 18 Nov 10:00
    db = any_db
    com = await f.community(db)
    ga, gb = await f.grid(db, com.id, "第一网格"), await f.grid(db, com.id, "第二网格")
    leader = await f.person(db, 1001, "李网格长", grid_id=ga.id)
    await f.leader(db, leader.id, ga.id)
    vol = await f.person(db, 2001, "张志愿", grid_id=ga.id)
    await f.volunteer(db, vol.id, ga.id, shock_team=True)
    idle = await f.person(db, 2002, "王志愿", grid_id=ga.id)
    await f.volunteer(db, idle.id, ga.id)
    waiting = await f.person(db, 2003, "陈志愿", grid_id=ga.id)
    await f.volunteer(db, waiting.id, ga.id, status=VolunteerStatus.pending)
    h1 = await f.household(db, ga.id, "幸福里 1 栋")
    h2 = await f.household(db, ga.id, "幸福里 2 栋")
    h3 = await f.household(db, ga.id, "幸福里 3 栋")  # nobody paired, never visited
    await f.pair(db, vol.id, h1.id)
    await f.pair(db, vol.id, h2.id)
    async with db.session() as s:

        def req(code, grid, status, created, accepted=None, done=None, level=0):
            r = HelpRequest(
                code=code,
                grid_id=grid,
                category="errands",
                summary=code,
                when_kind="today",
                status=status,
                created_at=created,
                first_accepted_at=accepted,
                done_at=done,
                escalation_level=level,
            )
            s.add(r)
            return r

        r1 = req("A-1", ga.id, "completed", at(16, 9), at(16, 9, 30), at(17, 12))
        r2 = req("A-2", ga.id, "filled", at(17, 8), at(17, 10))
        req("A-3", ga.id, "open", at(18, 9), level=1)
        req("A-4", ga.id, "cancelled", at(10, 9))
        r6 = req("A-6", ga.id, "completed", at(11, 9), at(11, 10), at(11, 15))
        req("B-1", gb.id, "open", at(17, 9))
        await s.flush()
        s.add_all(
            [
                Rating(request_id=r1.id, outcome="done", stars=5, created_at=at(17, 13)),
                Rating(request_id=r6.id, outcome="done", stars=2, created_at=at(12, 9)),
                Assignment(
                    request_id=r1.id,
                    volunteer_id=vol.id,
                    status="done",
                    created_at=at(16, 9, 30),
                    done_at=at(17, 12),
                    hours=2.0,
                ),
                Assignment(request_id=r2.id, volunteer_id=vol.id, status="accepted", created_at=at(17, 10)),
                DoorVisit(
                    household_id=h1.id,
                    volunteer_id=vol.id,
                    grid_id=ga.id,
                    week="2026-W47",
                    outcome="met",
                    created_at=at(17, 15),
                ),
                DoorVisit(
                    household_id=h2.id,
                    volunteer_id=vol.id,
                    grid_id=ga.id,
                    week="2026-W44",
                    outcome="needs_help",
                    created_at=at(1, 10),
                ),
            ]
        )
        await award(
            s,
            ref="task:1",
            person_id=vol.id,
            reason=PointsReason.task,
            points=10,
            grid_id=ga.id,
            community_id=com.id,
            now=at(17, 12),
        )
        await award(
            s,
            ref="task-hours:1",
            person_id=vol.id,
            reason=PointsReason.task_hours,
            points=4,
            hours=2.0,
            grid_id=ga.id,
            community_id=com.id,
            now=at(17, 12),
        )
        ev = Event(community_id=com.id, grid_id=ga.id, title="义剪", starts_at=at(20, 9), slots=12)
        s.add(ev)
        em = Emergency(community_id=com.id, reason="台风", target=5, started_at=at(18, 8))
        s.add(em)
        await s.flush()
        s.add_all(
            [
                EventSignup(event_id=ev.id, volunteer_id=vol.id),
                EventSignup(event_id=ev.id, volunteer_id=idle.id),
                DutyResponse(emergency_id=em.id, volunteer_id=vol.id, answer="on_duty"),
            ]
        )
    scope = await load_scope(core, leader.id)
    return SimpleNamespace(core=core, scope=scope, vol=vol, h1=h1, h2=h2, h3=h3, leader=leader)


async def test_the_weeks_key_figures(history):
    fig = await week_figures(history.core, history.scope)
    assert fig.since == datetime(2026, 11, 16, tzinfo=SHANGHAI)
    assert (fig.opened, fig.accepted, fig.done, fig.open_now, fig.escalated_open) == (3, 2, 1, 2, 1)
    assert fig.median_accept_minutes == 75  # 30 and 120 minutes
    assert (fig.satisfaction, fig.ratings) == (1.0, 1)
    assert (fig.visits, fig.paired_households, fig.stale_households) == (1, 2, 2)
    assert (fig.hours, fig.points, fig.pending_volunteers, fig.active_volunteers) == (2.0, 14, 1, 2)
    assert fig.emergencies == ["台风"]


async def test_the_weekly_series(history):
    tr = await weekly_trends(history.core, history.scope)
    assert [w.strftime("%m-%d") for w in tr.week_starts][-2:] == ["11-09", "11-16"]
    assert (
        tr.requests["open"][-2:] == [0, 2]
        and tr.requests["done"][-2:] == [1, 1]
        and tr.requests["ended"][-2:] == [1, 0]
    )
    assert tr.accept_minutes[-2:] == [60, 75]
    assert tr.satisfaction[-2:] == [0.0, 1.0] and tr.ratings[-2:] == [1, 1]
    assert tr.visited == [0, 0, 0, 0, 1, 0, 0, 1] and tr.coverage[-1] == 0.5


async def test_board_volunteers_households_events_emergency(history):
    page = await list_requests(history.core, history.scope, BoardFilter(status="active"))
    assert [r.code for r in page.rows] == ["A-3", "A-2"] and page.total == 2
    vols = await volunteer_lists(history.core, history.scope)
    assert [v.name for v in vols.pending] == ["陈志愿"]
    top = vols.active[0]
    assert (top.name, top.points, top.hours, top.tasks_done) == ("张志愿", 14, 2.0, 1)
    assert top.last_active == datetime(2026, 11, 17, 15, tzinfo=SHANGHAI)  # the door visit
    hp = await household_page(history.core, history.scope, only_stale=True)
    assert [r.id for r in hp.rows] == [history.h3.id, history.h2.id]  # never visited first
    assert hp.rows[1].last_outcome == "needs_help" and hp.rows[1].volunteers == ["张志愿"]
    assert (hp.total, hp.visited_recently, hp.stale) == (3, 1, 2)
    events = await event_rows(history.core, history.scope)
    assert [(e.title, sorted(e.signed)) for e in events] == [("义剪", ["张志愿", "王志愿"])]
    ems = await emergency_rows(history.core, history.scope)
    assert [(e.reason, e.on_duty, e.shock_team, e.active) for e in ems] == [("台风", ["张志愿"], 1, True)]


async def test_exports_on_this_database(history):
    sc = viewer_export_scope(history.scope, None, contacts=True)
    for kind in ("requests", "visits", "points", "hours"):
        data = await export_bytes(
            history.core, ExportRequest(kind, at(1, 0).date(), at(30, 0).date(), "csv", "en"), sc, export_labels("en")
        )
        lines = data.decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1 + {"requests": 5, "visits": 2, "points": 2, "hours": 1}[kind], kind


async def test_a_link_is_redeemed_once_even_when_two_tabs_race(history):
    link = await issue_login_link(history.core, Actor(tg_user_id=1001))
    token = link.url.split("t=")[1]
    results = await asyncio.gather(*(redeem_login_link(history.core, token) for _ in range(4)), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, NotAllowed) for r in results if isinstance(r, Exception))
