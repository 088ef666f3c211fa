"""吹哨's figures: requests and meeting items forwarded to a department with no answer yet, and those past their deadline."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import OPEN_REFERRAL_STATUSES
from storage.models import HelpRequest, Referral, VisitIssue

from .figures import DigestFigures, Span
from .grouping import count_if, keyed, scope_key


async def referrals(s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]) -> None:
    """Open at the week's end (or now): sent before it and not decided before it."""
    open_then = and_(
        col(Referral.created_at) < span.as_of,
        or_(
            col(Referral.status).in_([st.value for st in OPEN_REFERRAL_STATUSES]),
            col(Referral.decided_at) > span.as_of,  # decided after it: still open then
        ),
    )
    late = count_if(col(Referral.due_at) < span.as_of)
    grid = func.coalesce(col(HelpRequest.grid_id), col(VisitIssue.grid_id))
    key, _ = scope_key(scope, grid)
    stmt = select(key, func.count(), late).select_from(Referral)
    stmt = stmt.outerjoin(HelpRequest, col(HelpRequest.id) == col(Referral.request_id))
    stmt = stmt.outerjoin(VisitIssue, col(VisitIssue.id) == col(Referral.issue_id))
    stmt, key = keyed(stmt, scope, grid, keys)
    for k, n, late in (await s.execute(stmt.where(open_then).group_by(key))).all():
        out[k].referrals_open, out[k].referrals_overdue = int(n), int(late)
