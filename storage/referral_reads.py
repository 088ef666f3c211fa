"""Where a request or a meeting item stands with the street office (吹哨): its latest referral, read
for the leader's request card, the meeting's items and the dashboard's pages in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .enums import OPEN_REFERRAL_STATUSES
from .models import Community, Department, Referral

OPEN = {st.value for st in OPEN_REFERRAL_STATUSES}


class ReferralState(NamedTuple):
    referral_id: int
    department: str
    status: str  # ReferralStatus
    sent_at: datetime
    due_at: datetime
    decided_at: datetime | None  # accepted, answered or handed back
    answer: str
    overdue: bool  # still open past its deadline
    timezone: str  # the community's, to show the dates in


def department_card_ref(referral_id: int | None) -> str:
    """The card_ref of a referral's card in its department's chat (an edit reaches every copy)."""
    return f"referral:{referral_id}"


def aware(at: datetime) -> datetime:
    """SQLite gives naive UTC back."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def state_of(ref: Referral, department: str, timezone: str, now: datetime) -> ReferralState:
    due = aware(ref.due_at)
    return ReferralState(
        ref.id or 0,
        department,
        ref.status,
        aware(ref.created_at),
        due,
        aware(ref.decided_at) if ref.decided_at else None,
        ref.answer,
        ref.status in OPEN and due < now,
        timezone,
    )


async def latest_referrals(
    s: AsyncSession, now: datetime, *, requests: Sequence[int] = (), issues: Sequence[int] = ()
) -> dict[int, ReferralState]:
    """The latest referral of each of these requests (or meeting items, by issue id), by its id."""
    column = col(Referral.request_id) if requests else col(Referral.issue_id)
    ids = list(requests or issues)
    if not ids:
        return {}
    rows = await s.execute(
        select(Referral, col(Department.name), col(Community.timezone))
        .join(Department, col(Department.id) == col(Referral.department_id))
        .join(Community, col(Community.id) == col(Department.community_id))
        .where(column.in_(ids))
        .order_by(col(Referral.id))
    )
    out: dict[int, ReferralState] = {}
    for ref, name, tz in rows.all():
        key = ref.request_id if requests else ref.issue_id
        if key is not None:
            out[key] = state_of(ref, name, tz, now)
    return out
