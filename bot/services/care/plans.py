"""Setting up care plans (a leader): the special households to choose from, who could do it, making a
plan (its volunteer told), the grid's plans, ending one. Every step checks the leader's grid."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.ids import row_id, stored_id
from bot.services.kernel.namesakes import namesake_hints
from bot.services.kernel.order import natural_key
from bot.services.kernel.periods import zone
from bot.services.kernel.roles import Actor, can_lead, ensure_person, led_grids
from bot.services.kernel.text import clean_line
from bot.services.places import paired_volunteers
from storage import audit
from storage.enums import VolunteerStatus
from storage.models import CarePlan, Community, Grid, Household, Person, VolunteerProfile

from .facts import (
    EVERY_DAYS,
    MAX_HOUSEHOLDS,
    MAX_PLANS,
    WHAT_MAX,
    BadRule,
    HouseholdChoice,
    PlanFact,
    PlanSetup,
    Rule,
    VolunteerChoice,
    first_to_make,
)
from .notices import CarePlanMade


def check_what(text: str | None) -> str:
    return clean_line(text, max_len=WHAT_MAX, key="care.error.bad_what")


async def local_now(s: AsyncSession, grid_id: int, now: datetime) -> datetime:
    """`now` on the grid's community's clock."""
    tz = await s.scalar(
        select(col(Community.timezone))
        .join(Grid, col(Grid.community_id) == col(Community.id))
        .where(col(Grid.id) == grid_id)
    )
    return now.astimezone(zone(tz))


async def _today(s: AsyncSession, grid_id: int, now: datetime) -> date:
    return (await local_now(s, grid_id, now)).date()


async def from_day(s: AsyncSession, grid_id: int, now: datetime) -> date:
    """The first day a plan's occurrence can still be made for (see first_to_make)."""
    return first_to_make(await local_now(s, grid_id, now))


async def household_led(s: AsyncSession, actor: Actor, household_id: int) -> tuple[Person, Household]:
    person = await ensure_person(s, actor)
    hh = await s.get(Household, row_id(household_id))
    if hh is None or hh.erased_at is not None:
        raise NotFound("care.error.no_household")
    if not await can_lead(s, person, hh.grid_id):
        raise NotAllowed("care.error.not_leader")
    return person, hh


async def _volunteers(s: AsyncSession, hh: Household) -> list[VolunteerChoice]:
    paired = await paired_volunteers(s, stored_id(hh.id))
    others = (
        await s.execute(
            select(Person)
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .where(
                col(VolunteerProfile.grid_id) == hh.grid_id,
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
            )
        )
    ).scalars()
    people = {p.id: p for p in [*paired, *sorted(others, key=lambda p: (natural_key(p.name or ""), p.id or 0))]}
    hints = namesake_hints((p.id, p.name, p.phone) for p in people.values())
    paired_ids = {p.id for p in paired}
    return [
        VolunteerChoice(stored_id(p.id), p.name or f"#{p.id}", p.id in paired_ids, hints.get(stored_id(p.id)))
        for p in people.values()
    ][:MAX_HOUSEHOLDS]


async def special_households(core: Core, actor: Actor) -> list[HouseholdChoice]:
    """The households with a care need (独居老人, 留守儿童, ...) in the grids this person leads."""
    async with core.db.session() as s:
        grids = [g.id for g in await led_grids(s, await ensure_person(s, actor))]
        if not grids:
            raise NotAllowed("care.error.not_leader")
        plans = (
            select(func.count())
            .select_from(CarePlan)
            .where(col(CarePlan.household_id) == col(Household.id), col(CarePlan.active) == True)  # noqa: E712
            .scalar_subquery()
        )
        rows = (
            await s.execute(
                select(Household, plans).where(
                    col(Household.grid_id).in_(grids),
                    col(Household.erased_at).is_(None),
                    col(Household.care_flags) != "",
                )
            )
        ).all()
    rows = sorted(rows, key=lambda r: (r[0].grid_id, natural_key(r[0].address), r[0].id))
    return [
        HouseholdChoice(stored_id(h.id), h.address, h.members, h.care_flags, int(n or 0))
        for h, n in rows[:MAX_HOUSEHOLDS]
    ]


async def plan_setup(core: Core, actor: Actor, household_id: int) -> PlanSetup:
    async with core.db.session() as s:
        _, hh = await household_led(s, actor, household_id)
        volunteers = await _volunteers(s, hh)
        today = await _today(s, hh.grid_id, core.clock.now())
    return PlanSetup(stored_id(hh.id), hh.address, hh.members, hh.care_flags, tuple(volunteers), today)


def check_rule(weekday: int | None, every_days: int | None) -> None:
    weekly = weekday is not None and 0 <= weekday <= 6 and every_days is None
    every = weekday is None and every_days in EVERY_DAYS
    if not (weekly or every):
        raise BadRule()


async def create_plan(
    core: Core,
    actor: Actor,
    household_id: int,
    what: str,
    *,
    weekday: int | None = None,
    every_days: int | None = None,
    volunteer_id: int | None = None,
) -> PlanFact:
    """A new plan from today (its first occurrence is made on its first day, by the daily job)."""
    what = check_what(what)
    check_rule(weekday, every_days)
    now = core.clock.now()
    async with core.db.session() as s:
        me, hh = await household_led(s, actor, household_id)
        choices = await _volunteers(s, hh)
        if volunteer_id is not None and volunteer_id not in {c.person_id for c in choices}:
            raise NotAllowed("care.error.bad_volunteer")
        today = await _today(s, hh.grid_id, now)
        plan = CarePlan(
            household_id=stored_id(hh.id),
            grid_id=hh.grid_id,
            what=what,
            weekday=weekday,
            every_days=every_days,
            starts_on=today.isoformat(),
            volunteer_id=volunteer_id,
            created_by=me.id,
            created_at=now,
        )
        s.add(plan)
        await s.flush()
        await audit.record(s, me.id, "care.plan", "care_plan", plan.id, household=hh.id)
        rule, first = Rule(weekday, every_days, today), await from_day(s, hh.grid_id, now)
        doer = (
            await s.get(Person, volunteer_id)
            if volunteer_id
            else next(iter(await paired_volunteers(s, hh.id or 0)), None)
        )
        if doer is not None and doer.tg_user_id is not None:
            notice = CarePlanMade(
                chat_id=doer.tg_user_id,
                language=doer.language,
                what=what,
                address=hh.address,
                weekday=weekday,
                every_days=every_days,
                first=rule.next_from(first),
                by=me.name,
            )
            await core.notifier.send(s, f"care-plan:{plan.id}:{doer.id}", notice)
        return plan_fact(plan, hh, doer.name if volunteer_id and doer else None, first)


def plan_fact(plan: CarePlan, hh: Household, volunteer: str | None, first: date) -> PlanFact:
    """The plan; its next occurrence is the first of its days from `first` (see from_day)."""
    rule = Rule(plan.weekday, plan.every_days, date.fromisoformat(plan.starts_on))
    return PlanFact(
        stored_id(plan.id),
        stored_id(hh.id),
        hh.address,
        plan.what,
        rule,
        volunteer,
        plan.active,
        rule.next_from(first) if plan.active and plan.paused_at is None else None,
        plan.paused_at is not None,
    )


async def grid_plans(core: Core, actor: Actor) -> list[PlanFact]:
    """The active plans of the grids this person leads, household by household."""
    async with core.db.session() as s:
        grids = [g.id for g in await led_grids(s, await ensure_person(s, actor))]
        if not grids:
            raise NotAllowed("care.error.not_leader")
        rows = (
            await s.execute(
                select(CarePlan, Household, col(Person.name))
                .join(Household, col(Household.id) == col(CarePlan.household_id))
                .outerjoin(Person, col(Person.id) == col(CarePlan.volunteer_id))
                .where(
                    col(CarePlan.grid_id).in_(grids),
                    col(CarePlan.active) == True,  # noqa: E712
                    col(Household.erased_at).is_(None),
                )
                .order_by(col(CarePlan.id))
                .limit(MAX_PLANS)
            )
        ).all()
        first = await from_day(s, stored_id(grids[0]), core.clock.now()) if rows else core.clock.now().date()
    return [plan_fact(p, h, name, first) for p, h, name in rows]
