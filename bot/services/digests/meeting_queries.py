"""The meeting's list in the digest (民情速办): the problems found on door visits that are still open
now, whatever the week digested (a list of work, not a figure of the past), oldest first."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.enums import OPEN_ISSUE_STATUSES
from storage.models import DoorVisit, Grid, Household, Person, VisitIssue

from .figures import DigestFigures, IssueLine
from .grouping import keyed, scope_key

MAX_ISSUES = 10  # listed in one digest; the rest are counted (and walked with /meeting)
_OWNER = aliased(Person, name="issue_owner")


async def open_issues(s: AsyncSession, scope: str, keys: list[int], out: dict[int, DigestFigures]) -> None:
    key, _ = scope_key(scope, col(VisitIssue.grid_id))
    stmt = (
        select(
            key,
            col(VisitIssue.id),
            col(Household.id),
            col(DoorVisit.red_flags),
            col(VisitIssue.status),
            col(_OWNER.name),
            col(VisitIssue.follow_up),
            col(VisitIssue.grid_id),
        )
        .select_from(VisitIssue)
        .join(Household, col(Household.id) == col(VisitIssue.household_id))
        .join(DoorVisit, col(DoorVisit.id) == col(VisitIssue.visit_id))
        .outerjoin(_OWNER, col(_OWNER.id) == col(VisitIssue.owner_id))
    )
    stmt, key = keyed(stmt, scope, col(VisitIssue.grid_id), keys)
    stmt = stmt.where(
        col(VisitIssue.status).in_([s.value for s in OPEN_ISSUE_STATUSES]), col(Household.erased_at).is_(None)
    ).order_by(col(VisitIssue.id))
    rows = (await s.execute(stmt)).all()
    if not rows:
        return
    names = dict(
        (await s.execute(select(col(Grid.id), col(Grid.name)).where(col(Grid.id).in_({r[7] for r in rows})))).all()
    )
    listed: dict[int, list[IssueLine]] = defaultdict(list)
    for k, iid, household_id, flags, status, owner, follow_up, grid_id in rows:
        out[k].issues_open += 1
        if len(listed[k]) < MAX_ISSUES:
            listed[k].append(
                IssueLine(
                    id=iid,
                    grid=names.get(grid_id, ""),
                    household_id=household_id,
                    flags=tuple(f for f in flags.split(",") if f),
                    status=status,
                    owner=owner,
                    follow_up=date.fromisoformat(follow_up) if follow_up else None,
                )
            )
    for k, lines in listed.items():
        out[k].issues = lines
