"""The sandbox's demo community: a few weeks of history told through the services, so that every
dashboard chart, the week's figures and the digest show real figures from the first minute."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.demo import seed_demo
from bot.demo.cast import ADMIN, APPLICANT, BUILDINGS, GRACE, GRIDS, LEADER, SUN, TOM, UNIT, WANG, ZHANG
from bot.outbox.notifier import OutboxNotifier
from bot.services.buildings import buildings_page, headed_households
from bot.services.care import care_rows, plan_card
from bot.services.digests import grid_digest, preview_digest
from bot.services.honour import community_honour
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.core import Core
from bot.services.kernel.periods import iso_week, previous_week
from bot.services.loudspeaker import notice_history
from bot.services.office import load_scope, week_figures, weekly_trends
from bot.services.referrals import departments, referral_rows
from bot.services.units import month_range, my_units, previous_month, unit_figures, unit_report
from storage.enums import RequestStatus
from storage.models import Grid, HelpRequest, Person, UnitClaim

from .support.harness import make_user, text_of

SHANGHAI = "Asia/Shanghai"
MOMENTS = [
    "2026-12-07T00:30:00+08:00",  # half an hour into a Monday: this week has barely begun
    "2026-11-18T15:00:00+08:00",  # a Wednesday afternoon
    "2026-11-29T23:50:00+08:00",  # late on a Sunday
]


async def _grid_and_leader(db) -> tuple[int, int]:
    async with db.reading() as s:
        grid = (await s.execute(select(Grid.id).where(Grid.name == GRIDS[0]))).scalar_one()
        leader = (await s.execute(select(Person.id).where(Person.tg_user_id == LEADER.tg_user_id))).scalar_one()
    return grid, leader


@pytest.mark.parametrize("moment", MOMENTS)
async def test_every_chart_the_week_and_the_digest_show_figures(db, cfg, moment):
    now = datetime.fromisoformat(moment)
    assert await seed_demo(db, cfg, now=now)
    clock = FakeClock(now)
    core = Core(db=db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    grid, leader = await _grid_and_leader(db)
    scope = await load_scope(core, leader)

    tr = await weekly_trends(core, scope)
    assert all(any(tr.requests[g]) for g in ("open", "done", "ended")), tr.requests
    assert sum(1 for m in tr.accept_minutes if m is not None) >= 4, tr.accept_minutes
    assert sum(1 for x in tr.satisfaction if x is not None) >= 4, tr.satisfaction
    assert sum(1 for c in tr.coverage if c) >= 4, tr.coverage

    fig = await week_figures(core, scope)
    assert fig.opened and fig.accepted and fig.done and fig.ratings and fig.visits and fig.points, fig
    assert fig.open_now >= 4 and fig.escalated_open and fig.pending_volunteers == 1 and fig.active_volunteers == 3

    this_week = await preview_digest(core, LEADER.actor, "grid", grid)
    f = this_week.figures
    assert this_week.partial and f.opened and f.done and f.rated and f.visits_done and f.points and f.pending, f
    last = (await grid_digest(core, grid, previous_week(iso_week(now, SHANGHAI)))).figures
    assert last.opened and last.accepted and last.done and last.rated and last.visits_done and last.hours, last
    assert last.points and last.median_accept is not None and last.escalated, last

    async with db.reading() as s:  # the second grid's leader (Grace) has weeks to look at too
        grace = (await s.execute(select(Person.id).where(Person.tg_user_id == GRACE.tg_user_id))).scalar_one()
    tr = await weekly_trends(core, await load_scope(core, grace))
    assert sum(tr.requests["done"]) >= 4 and sum(1 for x in tr.satisfaction if x is not None) >= 4, tr
    assert sum(1 for c in tr.coverage if c) >= 4, tr.coverage


async def test_requests_in_every_state(db, cfg):
    assert await seed_demo(db, cfg, now=datetime.fromisoformat(MOMENTS[1]))
    async with db.reading() as s:
        rows = (await s.execute(select(HelpRequest.status, HelpRequest.escalation_level))).all()
    assert {st for st, _ in rows} == {s.value for s in RequestStatus} - {RequestStatus.duplicate.value}
    assert any(st == RequestStatus.open.value and level == 2 for st, level in rows)


async def test_seeding_again_adds_nothing(db, cfg):
    now = datetime.fromisoformat(MOMENTS[1])
    assert await seed_demo(db, cfg, now=now)
    before = await _counts(db)
    assert not await seed_demo(db, cfg, now=now)
    assert not await seed_demo(db, cfg)  # a restart days later
    assert await _counts(db) == before


async def _counts(db) -> dict[str, int]:
    async with db.reading() as s:
        return {
            t.name: int((await s.execute(select(func.count()).select_from(t))).scalar_one())
            for t in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
async def seeded(db, cfg):
    assert await seed_demo(db, cfg)


async def test_the_application_waits_in_pending(seeded, bot):
    leader = await make_user(bot.sb, LEADER.tg_user_id, LEADER.name)
    await leader.send("/pending")
    assert "1" in text_of(await leader.reply(contains="待审核"))  # the header: one application waits
    await leader.reply(contains="赵小新")  # its card, with the buttons to decide
    async with bot.core.db.reading() as s:
        applicant = (await s.execute(select(Person).where(Person.tg_user_id == APPLICANT.tg_user_id))).scalar_one()
    assert applicant.name == "赵小新"


@pytest.fixture
async def demo_people(sandbox):
    """The demo's people know the bot before it starts, as `redvest sandbox` makes them."""
    from bot.demo.cast import PEOPLE

    for person in PEOPLE:
        await sandbox.add_user(person.tg_user_id, person.name, language_code=person.language, started=True)


async def test_the_demos_leaders_volunteers_and_admin_see_their_own_menus(demo_people, seeded, bot):
    from bot.demo.cast import ADMIN, ALICE, TOM

    from .support.waiting import wait_for

    async def commands(person) -> set[str]:
        await bot.sb.add_user(person.tg_user_id, person.name, language_code=person.language)
        return {c["command"] for c in (await bot.sb.menu(person.tg_user_id))["commands"]}

    # without anyone pressing /start first: the demo set them as role changes do
    for person, command in ((LEADER, "pending"), (GRACE, "board"), (TOM, "tasks"), (ADMIN, "emergency")):

        async def shown(person=person, command=command) -> bool:
            return command in await commands(person)

        await wait_for(shown, 10, f"/{command} in {person.name}'s menu")
    assert "board" not in await commands(ALICE)  # a resident sees the residents' menu


async def _seeded_core(db, cfg, moment: str) -> Core:
    now = datetime.fromisoformat(moment)
    assert await seed_demo(db, cfg, now=now)
    clock = FakeClock(now)
    return Core(db=db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)


@pytest.mark.parametrize("moment", MOMENTS)
async def test_the_paired_unit_has_two_members_and_last_months_work(db, cfg, moment):
    core = await _seeded_core(db, cfg, moment)
    [unit] = await my_units(core, SUN.actor)  # /unit, for its contact
    assert unit.name == UNIT and sorted(m.name for m in unit.members) == sorted([TOM.name, ZHANG.name])
    assert [c.members for c in unit.claims] == [[]]  # today's claim waits for the contact to choose who goes
    month = previous_month(core.clock.now().date())
    report = await unit_report(core, unit.unit_id, month)  # `redvest report units --month`, the contact's report
    assert sorted(m.name for m in report.members) == sorted([TOM.name, ZHANG.name])
    assert any(m.hours and m.tasks_done and m.points for m in report.members), report
    grid, _ = await _grid_and_leader(db)
    [fig] = await unit_figures(core, [grid], *month_range(month, SHANGHAI))  # the dashboard's units page
    assert fig.name == UNIT and fig.members == 2 and fig.tasks_done and fig.hours and fig.points, fig
    assert fig.contact == SUN.name and fig.open_claims == 1
    async with db.reading() as s:  # Alice's tax return: claimed for the unit, done by Tom, confirmed
        done = (
            await s.execute(select(HelpRequest.status).join(UnitClaim, UnitClaim.request_id == HelpRequest.id))
        ).scalars()
    assert RequestStatus.completed.value in set(done)


async def test_grid_one_has_buildings_with_its_households_and_a_head(db, cfg):
    core = await _seeded_core(db, cfg, MOMENTS[1])
    page = await buildings_page(core, LEADER.actor)  # /buildings
    assert {b.name: b.households for b in page.buildings} == {name: 1 for name in BUILDINGS}
    assert [(b.name, name) for b in page.buildings for _, name in b.heads] == [("12号3栋", WANG.name)]
    [headed] = await headed_households(core, WANG.actor)  # /visits: the head's building, besides his pairing
    assert headed.name == "12号3栋" and [r.household.address for r in headed.rows] == [BUILDINGS["12号3栋"]]
    grid, _ = await _grid_and_leader(db)
    last = (await grid_digest(core, grid, previous_week(iso_week(core.clock.now(), SHANGHAI)))).figures
    visited = {b.name: b.visited for b in last.buildings}  # the digest's lines: 王志愿 missed 12号5栋 last week
    assert visited == {"12号3栋": 1, "12号5栋": 0, "14号1栋": 1}


@pytest.mark.parametrize("moment", MOMENTS)
async def test_granny_wangs_care_plan_has_checks_done_and_one_missed(db, cfg, moment):
    core = await _seeded_core(db, cfg, moment)
    grid, _ = await _grid_and_leader(db)
    [row] = await care_rows(core, [grid])  # the dashboard's care page
    card = await plan_card(core, LEADER.actor, row.plan_id)  # /care, the leader's plan
    assert card.done >= 2 and card.missed == 1 and card.plan.volunteer is None  # the paired volunteer, 张志愿
    assert card.last is not None and card.last.by == ZHANG.name and "血压" in (card.last.note or "")


async def test_a_department_answered_one_referral_and_another_waits(db, cfg):
    core = await _seeded_core(db, cfg, MOMENTS[1])
    deps = {d.name: d for d in await departments(core, ADMIN.actor)}  # /departments
    assert set(deps) == {"街道城管科", "区民政局"} and deps["街道城管科"].open_referrals == 1
    grid, _ = await _grid_and_leader(db)
    rows = await referral_rows(core, [grid], decided_since=core.clock.now() - timedelta(days=30))
    assert sorted((r.item, r.state.decided_at is None) for r in rows) == [(False, True), (True, False)]
    assert all(r.state.department == "街道城管科" for r in rows)


async def test_the_leaders_notice_was_delivered_and_last_months_honour_list_has_names(db, cfg):
    core = await _seeded_core(db, cfg, MOMENTS[0])
    grid, _ = await _grid_and_leader(db)
    [notice] = await notice_history(core, [grid], [], SHANGHAI)  # the dashboard's notices page
    assert notice.sender == LEADER.name and notice.finished and notice.recipients >= 4
    assert notice.delivered == notice.recipients and not notice.failed
    async with db.reading() as s:
        community = (await s.execute(select(Grid.community_id).where(Grid.id == grid))).scalar_one()
    honour = await community_honour(core, community, "2026-11")
    assert len(honour.rows) >= 3 and all(r.points for r in honour.rows)


async def test_a_user_sees_the_unit_the_buildings_and_the_departments_in_chat(demo_people, seeded, bot):
    async def answer(person, command: str, lang: str = "zh-CN") -> str:
        user = await make_user(bot.sb, person.tg_user_id, person.name, lang)
        await user.send(command)
        return text_of(await user.reply())

    unit = await answer(SUN, "/unit")
    assert UNIT in unit and TOM.name in unit and ZHANG.name in unit
    buildings = await answer(LEADER, "/buildings")
    assert all(name in buildings for name in BUILDINGS) and WANG.name in buildings
    assert "12号3栋" in await answer(WANG, "/visits")
    assert "街道城管科" in await answer(ADMIN, "/departments")
    assert f"Work unit: {UNIT}" in await answer(TOM, "/profile", "en")
