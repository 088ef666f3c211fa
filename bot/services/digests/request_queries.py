"""The requests' figures: opened, accepted, done, overdue and escalated, the median waits, the ratings."""

from __future__ import annotations

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import RequestStatus
from storage.models import HelpRequest, Rating

from .figures import DigestFigures, Span
from .grouping import count_if, epoch, keyed, scope_key, within

NOT_RATED_STATUSES = (RequestStatus.out_of_scope.value, RequestStatus.duplicate.value)
NOT_WAITING = (
    RequestStatus.cancelled.value,
    RequestStatus.closed.value,
    RequestStatus.out_of_scope.value,
    RequestStatus.duplicate.value,
)


async def request_counts(
    s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]
) -> None:
    hr = HelpRequest
    created, taken, finished = col(hr.created_at), col(hr.first_accepted_at), col(hr.done_at)
    waiting = and_(
        created < span.as_of - span.overdue_after,
        col(hr.status).not_in(NOT_WAITING),
        or_(taken.is_(None), taken >= span.as_of),
    )
    key, join = scope_key(scope, col(hr.grid_id))
    stmt = select(
        key,
        count_if(within(created, span)),
        count_if(within(taken, span)),
        count_if(within(finished, span)),
        count_if(waiting),
        count_if(and_(within(created, span), col(hr.escalation_level) > 0)),
    ).select_from(hr)
    stmt, key = keyed(stmt, scope, col(hr.grid_id), keys)
    stmt = stmt.where(or_(within(created, span), within(taken, span), within(finished, span), waiting))
    for k, opened, accepted, done, overdue, escalated in (await s.execute(stmt.group_by(key))).all():
        f = out[k]
        f.opened, f.accepted, f.done, f.overdue, f.escalated = (
            int(opened),
            int(accepted),
            int(done),
            int(overdue),
            int(escalated),
        )


async def medians(s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]) -> None:
    """Median minutes to accept and to finish, per key, in SQL (window functions: SQLite and PostgreSQL)."""
    hr = HelpRequest
    parts = []
    for metric, column in (("accept", col(hr.first_accepted_at)), ("done", col(hr.done_at))):
        key, _ = scope_key(scope, col(hr.grid_id))
        part = select(
            key.label("k"), literal(metric).label("m"), (epoch(s, column) - epoch(s, col(hr.created_at))).label("d")
        ).select_from(hr)
        part, _ = keyed(part, scope, col(hr.grid_id), keys)
        parts.append(part.where(within(column, span)))
    durations = union_all(*parts).subquery("durations")
    ranked = select(
        durations.c.k,
        durations.c.m,
        durations.c.d,
        func.row_number().over(partition_by=(durations.c.k, durations.c.m), order_by=durations.c.d).label("rn"),
        func.count().over(partition_by=(durations.c.k, durations.c.m)).label("cnt"),
    ).subquery("ranked")
    stmt = (
        select(ranked.c.k, ranked.c.m, func.avg(ranked.c.d))
        .where(or_(ranked.c.rn == (ranked.c.cnt + 1) // 2, ranked.c.rn == (ranked.c.cnt + 2) // 2))
        .group_by(ranked.c.k, ranked.c.m)
    )
    for k, metric, value in (await s.execute(stmt)).all():
        setattr(out[k], "median_accept" if metric == "accept" else "median_done", max(0.0, float(value)))


async def ratings(s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]) -> None:
    key, _ = scope_key(scope, col(HelpRequest.grid_id))
    stmt = (
        select(key, func.count(col(Rating.stars)), count_if(col(Rating.stars) >= 4), func.avg(col(Rating.stars)))
        .select_from(Rating)
        .join(HelpRequest, col(HelpRequest.id) == col(Rating.request_id))
    )
    stmt, key = keyed(stmt, scope, col(HelpRequest.grid_id), keys)
    stmt = stmt.where(
        within(col(Rating.created_at), span),
        col(Rating.stars).is_not(None),
        col(HelpRequest.status).not_in(NOT_RATED_STATUSES),
    )
    for k, n, good, avg in (await s.execute(stmt.group_by(key))).all():
        out[k].rated, out[k].good, out[k].avg_stars = int(n), int(good), float(avg) if avg is not None else None
