"""吹哨 on the dashboard: every referral of the viewer's grids (requests and meeting items), per
community: which department, since when, the deadline, overdue or not, and the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.models import Community, Department, Grid, HelpRequest, Referral, VisitIssue
from storage.referral_reads import ReferralState, state_of

LIMIT = 300


@dataclass(frozen=True)
class ReferralRow:
    community: str
    grid: str
    code: str  # a request's code; "#<id>" for a meeting item
    item: bool
    subject_id: int  # the request's or the item's id (their dashboard pages)
    state: ReferralState


async def referral_rows(core: Core, grids: list[int], *, decided_since: datetime) -> list[ReferralRow]:
    """Open referrals first (the oldest deadline first), then those decided since `decided_since`
    (newest first). The caller checked the grids."""
    if not grids:
        return []
    now = core.clock.now()
    grid_id = func.coalesce(col(HelpRequest.grid_id), col(VisitIssue.grid_id))
    stmt = (
        select(Referral, col(Department.name), Community, col(Grid.name), col(HelpRequest.code))
        .join(Department, col(Department.id) == col(Referral.department_id))
        .join(Community, col(Community.id) == col(Department.community_id))
        .outerjoin(HelpRequest, col(HelpRequest.id) == col(Referral.request_id))
        .outerjoin(VisitIssue, col(VisitIssue.id) == col(Referral.issue_id))
        .join(Grid, col(Grid.id) == grid_id)
        .where(grid_id.in_(grids), or_(col(Referral.decided_at).is_(None), col(Referral.decided_at) >= decided_since))
        .order_by(col(Referral.decided_at).is_not(None), col(Referral.due_at), col(Referral.id).desc())
        .limit(LIMIT)
    )
    async with core.db.reading() as s:
        rows = (await s.execute(stmt)).all()
    out = []
    for ref, dep, com, grid, code in rows:
        item = ref.request_id is None
        subject = ref.issue_id if item else ref.request_id
        out.append(
            ReferralRow(
                com.name,
                grid,
                f"#{ref.issue_id}" if item else code or f"#{ref.request_id}",
                item,
                subject or 0,
                state_of(ref, dep, com.timezone, now),
            )
        )
    open_rows = [r for r in out if r.state.decided_at is None]
    done = sorted(
        (r for r in out if r.state.decided_at is not None), key=lambda r: r.state.decided_at or now, reverse=True
    )
    return open_rows + done
