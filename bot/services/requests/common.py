"""What every step of the request loop shares: loading a request, names, telling a person."""
from __future__ import annotations

from sqlmodel import col

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from storage import claim_reads
from storage.card_reads import Taker
from storage.enums import RequestStatus
from storage.models import Assignment, AuditEntry, Community, Grid, HelpRequest, Person, Relay

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotFound
from bot.services.kernel.notifier import Button, OutMessage
from bot.services.people.roles import row_id

LIVE, HOLDING, ACTIVE = claim_reads.LIVE, claim_reads.HOLDING, claim_reads.ACTIVE  # as the storage reads them
TERMINAL = [RequestStatus.completed.value, RequestStatus.cancelled.value, RequestStatus.closed.value,
            RequestStatus.out_of_scope.value, RequestStatus.duplicate.value]


def as_utc(when: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored in UTC); PostgreSQL aware ones. Make them comparable."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)


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


async def tell(core: Core, session: AsyncSession, person_id: int | None, key: str, text_key: str,
               buttons: list[list[Button]] | None = None, *, urgent: bool = False, **params: object) -> bool:
    """Queue a private message to a person in their language (once per key); False if unreachable.
    `buttons` and parameter values may be callables of the language, rendered for the recipient."""
    msg = message_for(core, await person(session, person_id), text_key, buttons, urgent=urgent, **params)
    return msg is not None and await core.notifier.send(session, key, msg, urgent=urgent)


def message_for(core: Core, p: Person | None, text_key: str, buttons: object = None, *, urgent: bool = False,
                **params: object) -> OutMessage | None:
    """What `tell` queues for a person already read; None if they cannot be reached."""
    if p is None or p.tg_user_id is None or p.forgotten_at is not None:
        return None
    lang = core.lang(p.language)
    text = t(lang, text_key, **{k: (v(lang) if callable(v) else v) for k, v in params.items()})
    rendered = buttons(lang) if callable(buttons) else (buttons or [])
    return OutMessage(chat_id=p.tg_user_id, text=text, buttons=rendered, silent=not urgent)  # type: ignore[arg-type]


async def reopen_count(session: AsyncSession, request_id: int) -> int:
    """How often the resident said "not done": numbers the done/reopen rounds for outbox keys."""
    return int(await session.scalar(select(func.count()).select_from(AuditEntry).where(
        col(AuditEntry.entity) == "request", col(AuditEntry.entity_id) == request_id, col(AuditEntry.action) == "request.reopen")) or 0)


async def end_relays(session: AsyncSession, request_id: int, now) -> None:  # type: ignore[no-untyped-def]
    """A closed task ends its relayed conversations."""
    await session.execute(update(Relay).where(col(Relay.request_id) == request_id, col(Relay.active) == True)  # noqa: E712
                       .values(active=False, ended_at=now))
