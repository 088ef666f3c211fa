"""The requests' figures: opened, accepted, done, overdue and escalated, the median waits, the ratings."""

from __future__ import annotations

from sqlalchemy import and_, func, literal, or_, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import STILL_WAITING_STATUSES, RequestStatus
from storage.models import HelpRequest, Rating
from storage.models.requests import UNACCEPTED_WAITING

from .figures import DigestFigures, Span
from .grouping import count_if, epoch, keyed, scope_key, with_key, within

NOT_RATED_STATUSES = (RequestStatus.out_of_scope.value, RequestStatus.duplicate.value)
WAITING = [st.value for st in STILL_WAITING_STATUSES]


async def request_counts(
    s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]
) -> None:
    """Opened, accepted, done, overdue and escalated: one statement of five parts, each a range of an
    index (a grid's requests by created, accepted or done time, and the unaccepted ones), so a week
    of a city of millions of requests reads that week's rows, not the table."""
    hr = HelpRequest
    created, taken, finished = col(hr.created_at), col(hr.first_accepted_at), col(hr.done_at)
    old_enough = created < span.as_of - span.overdue_after
    parts = []
    for part, where, escalated in (
        ("opened", within(created, span), count_if(col(hr.escalation_level) > 0)),
        ("accepted", within(taken, span), literal(0)),
        ("done", within(finished, span), literal(0)),
        # overdue: old enough and not taken by the time asked (never taken, or taken after it)
        ("overdue", and_(text(UNACCEPTED_WAITING), old_enough), literal(0)),
        ("overdue", and_(taken >= span.as_of, col(hr.status).in_(WAITING), old_enough), literal(0)),
    ):
        key, _ = scope_key(scope, col(hr.grid_id))
        stmt = select(key.label("k"), literal(part).label("part"), func.count().label("n"), escalated.label("esc"))
        stmt, key = keyed(stmt.select_from(hr), scope, col(hr.grid_id), keys)
        parts.append(stmt.where(where).group_by(key))
    for k, part, n, esc in (await s.execute(union_all(*parts))).all():
        f = out[k]
        if part == "opened":
            f.opened, f.escalated = int(n), int(esc)
        else:
            setattr(f, part, getattr(f, part) + int(n))


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


# Past this many grids, or for communities (each many grids), the week's ratings are read first and
# each looks up its request: with a long IN list, or the grid table between, PostgreSQL joins the
# whole request table instead (5,000 grids: 1.8 s against 0.4 s; 50 communities: 1.5 s against 0.4 s).
MANY_KEYS = 200


async def ratings(s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]) -> None:
    week = and_(within(col(Rating.created_at), span), col(Rating.stars).is_not(None))
    rated = col(HelpRequest.status).not_in(NOT_RATED_STATUSES)
    if scope == "grid" and len(keys) <= MANY_KEYS:
        stmt = select().select_from(Rating).join(HelpRequest, col(HelpRequest.id) == col(Rating.request_id))
        stmt, key = keyed(stmt, scope, col(HelpRequest.grid_id), keys)
        rows = stmt.add_columns(key.label("k"), col(Rating.stars).label("stars")).where(week, rated).subquery()
    else:
        lookup, key = with_key(select().select_from(HelpRequest), scope, col(HelpRequest.grid_id))
        found = lookup.add_columns(key).where(col(HelpRequest.id) == col(Rating.request_id), rated).scalar_subquery()
        rows = select(found.label("k"), col(Rating.stars).label("stars")).where(week).subquery()
    stmt = (
        select(rows.c.k, func.count(rows.c.stars), count_if(rows.c.stars >= 4), func.avg(rows.c.stars))
        .where(rows.c.k.in_(keys))
        .group_by(rows.c.k)
    )
    for k, n, good, avg in (await s.execute(stmt)).all():
        out[k].rated, out[k].good, out[k].avg_stars = int(n), int(good), float(avg) if avg is not None else None
