"""What every step of the request loop shares: loading a request, names, telling a person."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.notices import Notice
from storage import claim_reads
from storage.card_reads import Taker
from storage.detached import part
from storage.enums import RequestStatus
from storage.models import Assignment, AuditEntry, Community, Grid, HelpRequest, Person, Relay

LIVE, HOLDING, ACTIVE = claim_reads.LIVE, claim_reads.HOLDING, claim_reads.ACTIVE  # as the storage reads them
TERMINAL = [
    RequestStatus.completed.value,
    RequestStatus.cancelled.value,
    RequestStatus.closed.value,
    RequestStatus.out_of_scope.value,
    RequestStatus.duplicate.value,
]


def as_utc(when: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored in UTC); PostgreSQL aware ones. Make them comparable."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)


def part_of(row: Any, table: Any, prefix: str) -> dict[str, Any] | None:
    """The columns of `table` (or of an alias of it) that `row` read labelled with `prefix`
    (storage.detached.part); None when an outer join found none."""
    return part(cast(Mapping[str, Any], row._mapping), table, prefix)


async def get_request(session: AsyncSession, request_id: int) -> HelpRequest:
    req = await session.get(HelpRequest, request_id) if row_id(request_id) else None
    if req is None or req.erased_at is not None:
        raise NotFound("request.error.not_found")
    return req


STALE_KEYS = {
    RequestStatus.open.value: "request.stale.open",
    RequestStatus.filled.value: "request.stale.filled",
    RequestStatus.done_reported.value: "request.stale.done_reported",
    RequestStatus.completed.value: "request.stale.completed",
    RequestStatus.cancelled.value: "request.stale.cancelled",
    RequestStatus.closed.value: "request.stale.closed",
    RequestStatus.out_of_scope.value: "request.stale.closed",
    RequestStatus.duplicate.value: "request.stale.closed",
}


def require_status(req: HelpRequest, *allowed: str) -> None:
    """A press drawn for another state of the request (stale, replayed) changes nothing."""
    if req.status not in allowed:
        raise Conflict(STALE_KEYS.get(req.status, "error.stale"), code=req.code or "")


async def person(session: AsyncSession, person_id: int | None) -> Person | None:
    return await session.get(Person, person_id) if person_id else None


def display_name(p: Person | None) -> str:
    if p is None:
        return "?"
    return p.name or (p.username or f"#{p.id}")


async def assignments(session: AsyncSession, request_id: int, statuses: list[str] | None = None) -> list[Assignment]:
    stmt = select(Assignment).where(col(Assignment.request_id) == request_id)
    if statuses is not None:
        stmt = stmt.where(col(Assignment.status).in_(statuses))
    return list((await session.execute(stmt.order_by(col(Assignment.id)))).scalars())


def taker_name(p: Any) -> str:
    """A taker's name on the card (`p`: id, name, username; id None when the person is gone)."""
    return display_name(p) if p.id is not None else "?"


async def taker_names(session: AsyncSession, request_id: int) -> list[str]:
    """Who holds the request, oldest first (one statement: the assignments with their people)."""
    return [taker_name(r) for r in await claim_reads.takers(session, request_id)]


def taker_names_of(rows: list[Any]) -> list[str]:
    """taker_names from rows that read `claim_reads.taker_columns` along with something else."""
    seen: set[int] = set()
    names = []
    for r in rows:
        if r.t_aid is None or r.t_aid in seen:
            continue
        seen.add(r.t_aid)
        names.append(taker_name(Taker(r.t_id, r.t_name, r.t_username)))
    return names


async def community_of(session: AsyncSession, grid_id: int) -> Community | None:
    grid = await session.get(Grid, grid_id)
    return await session.get(Community, grid.community_id) if grid else None


N = TypeVar("N", bound=Notice)


def notice_for(p: Person | None, kind: type[N], **facts: Any) -> N | None:
    """A notice of `kind` to a person already read, in their language; None if they cannot be reached."""
    if p is None or p.tg_user_id is None or p.forgotten_at is not None:
        return None
    return kind(chat_id=p.tg_user_id, language=p.language, **facts)


async def tell(
    core: Core, session: AsyncSession, person_id: int | None, key: str, kind: type[Notice], **facts: Any
) -> bool:
    """Queue a notice of `kind` to a person (once per key); False if they cannot be reached."""
    notice = notice_for(await person(session, person_id), kind, **facts)
    return notice is not None and await core.notifier.send(session, key, notice)


async def reopen_count(session: AsyncSession, request_id: int) -> int:
    """How often the resident said "not done": numbers the done/reopen rounds for outbox keys."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                col(AuditEntry.entity) == "request",
                col(AuditEntry.entity_id) == request_id,
                col(AuditEntry.action) == "request.reopen",
            )
        )
        or 0
    )


async def end_relays(session: AsyncSession, request_id: int, now: datetime) -> None:
    """A closed task ends its relayed conversations."""
    await session.execute(
        update(Relay)
        .where(col(Relay.request_id) == request_id, col(Relay.active) == True)  # noqa: E712
        .values(active=False, ended_at=now)
    )
