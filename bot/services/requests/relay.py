"""A relayed conversation between a resident and a volunteer, tied to one task.

Messages pass through the bot, so neither side needs the other's username or phone. A relay
is open while the task is active and ends when the task closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor, ensure_person
from storage import claims
from storage.models import HelpRequest, Person, Relay
from storage.upsert import insert_ignore

from . import fields as rin
from .common import ACTIVE, display_name, get_request, tell
from .notices import Relayed

RELAY_MAX = 2000


@dataclass(frozen=True)
class RelayTarget:
    request_id: int
    code: str
    volunteer_id: int
    to_resident: bool  # the actor is the volunteer, writing to the resident
    counterpart: str  # the other side's display name


async def _target(
    s: AsyncSession, actor: Actor, request_id: int, volunteer_id: int | None
) -> tuple[Person, HelpRequest, RelayTarget]:
    person = await ensure_person(s, actor)
    req = await get_request(s, request_id)
    if req.status not in ACTIVE:
        raise Conflict("relay.error.closed", code=req.code or "")
    resident = await s.get(Person, req.resident_id) if req.resident_id else None
    if volunteer_id is None or volunteer_id == person.id:  # the volunteer writes to the resident
        if await claims.holds(s, req.id or 0, person.id or 0) is None:
            raise NotAllowed("relay.error.not_party")
        if resident is None or resident.tg_user_id is None:
            raise NotAllowed("relay.error.no_resident")
        return person, req, RelayTarget(req.id or 0, req.code or "", person.id or 0, True, display_name(resident))
    if req.resident_id != person.id:
        raise NotAllowed("relay.error.not_party")
    if await claims.holds(s, req.id or 0, volunteer_id) is None:
        raise NotAllowed("relay.error.not_party")
    volunteer = await s.get(Person, volunteer_id)
    return person, req, RelayTarget(req.id or 0, req.code or "", volunteer_id, False, display_name(volunteer))


async def _relay_row(s: AsyncSession, req: HelpRequest, volunteer_id: int) -> Relay:
    await insert_ignore(
        s,
        Relay,
        dict(request_id=req.id, resident_id=req.resident_id, volunteer_id=volunteer_id, active=True),
        ["request_id", "volunteer_id"],
    )
    row = (
        (await s.execute(select(Relay).where(col(Relay.request_id) == req.id, col(Relay.volunteer_id) == volunteer_id)))
        .scalars()
        .first()
    )
    assert row is not None
    if not row.active:
        raise Conflict("relay.error.closed", code=req.code or "")
    return row


async def open_relay(core: Core, actor: Actor, request_id: int, volunteer_id: int | None = None) -> RelayTarget:
    """Check the actor may write to the other side of this task; the handler then waits for the text."""
    async with core.db.session() as s:
        _, req, target = await _target(s, actor, request_id, volunteer_id)
        await _relay_row(s, req, target.volunteer_id)
        return target


async def relay_message(
    core: Core, actor: Actor, request_id: int, volunteer_id: int | None, text: str, message_key: str
) -> RelayTarget:
    """Pass one text message to the other side (once per `message_key`, e.g. the Telegram message id)."""
    body = rin.clean_text(text)
    if not body:
        raise InvalidInput("relay.error.empty")
    if len(body) > RELAY_MAX:
        raise InvalidInput("relay.error.too_long", max=RELAY_MAX)
    async with core.db.session() as s:
        person, req, target = await _target(s, actor, request_id, volunteer_id)
        row = await _relay_row(s, req, target.volunteer_id)
        to_id = req.resident_id if target.to_resident else target.volunteer_id
        await tell(
            core,
            s,
            to_id,
            f"relay:{row.id}:{message_key}",
            Relayed,
            code=req.code or "",
            request_id=req.id or 0,
            volunteer_id=target.volunteer_id,
            sender_name=display_name(person),
            text=body,
            to_resident=target.to_resident,
        )
        return target
