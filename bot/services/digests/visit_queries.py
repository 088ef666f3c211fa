"""The door visits' figures: the week's visits and red flags, the visits planned, the households nobody has met."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import RedFlag, VisitOutcome, VolunteerStatus
from storage.models import DoorVisit, Household, Pairing, VolunteerProfile

from .figures import DigestFigures, Span
from .grouping import count_if, keyed, scope_key

STALE_AFTER = timedelta(days=14)


async def visits(s: AsyncSession, scope: str, keys: list[int], week: str, out: dict[int, DigestFigures]) -> None:
    dv = DoorVisit
    flag_cols = [count_if(col(dv.red_flags).contains(flag.value)) for flag in RedFlag]
    key, _ = scope_key(scope, col(dv.grid_id))
    stmt = select(
        key, func.count(), count_if(col(dv.outcome) == VisitOutcome.needs_help.value), *flag_cols
    ).select_from(dv)
    stmt, key = keyed(stmt, scope, col(dv.grid_id), keys)
    for k, n, needs, *flags in (await s.execute(stmt.where(col(dv.week) == week).group_by(key))).all():
        out[k].visits_done, out[k].needs_help = int(n), int(needs)
        out[k].flags = {flag.value: int(c) for flag, c in zip(RedFlag, flags, strict=True) if c}


async def visits_planned(s: AsyncSession, scope: str, keys: list[int], out: dict[int, DigestFigures]) -> None:
    key, _ = scope_key(scope, col(Household.grid_id))
    stmt = (
        select(key, func.count())
        .select_from(Pairing)
        .join(Household, col(Household.id) == col(Pairing.household_id))
        .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Pairing.volunteer_id))
    )
    stmt, key = keyed(stmt, scope, col(Household.grid_id), keys)
    stmt = stmt.where(
        col(Pairing.active) == True,  # noqa: E712
        col(Household.erased_at).is_(None),
        col(VolunteerProfile.status) == VolunteerStatus.approved.value,
    )
    for k, n in (await s.execute(stmt.group_by(key))).all():
        out[k].visits_planned = int(n)


async def stale_households(
    s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]
) -> None:
    """Households nobody has met (a "not home" visit does not count) for two weeks or more."""
    since = span.as_of - STALE_AFTER
    seen = exists().where(
        col(DoorVisit.household_id) == col(Household.id),
        col(DoorVisit.outcome) != VisitOutcome.not_home.value,
        col(DoorVisit.created_at) >= since,
        col(DoorVisit.created_at) < span.as_of,
    )
    key, _ = scope_key(scope, col(Household.grid_id))
    stmt = select(key, func.count()).select_from(Household)
    stmt, key = keyed(stmt, scope, col(Household.grid_id), keys)
    stmt = stmt.where(col(Household.erased_at).is_(None), col(Household.created_at) < since, ~seen)
    for k, n in (await s.execute(stmt.group_by(key))).all():
        out[k].households_stale = int(n)
