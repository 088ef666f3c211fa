"""Proof of a task done: the photos a volunteer may attach when reporting it (Telegram's file ids; the
bytes stay with Telegram). The resident and the grid's leaders are sent them with the report; group
chats never are (a photo may show someone's home). The dashboard shows them on the request's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.notices import Notice
from bot.services.kernel.roles import Actor, ensure_person, leaders_of
from storage import audit, claims
from storage.enums import AssignmentStatus
from storage.models import HelpRequest, Person, ProofPhoto

from .common import display_name, get_request, notice_for, person, reopen_count

MAX_PHOTOS = 5  # a few pictures prove a task; more is an album nobody scrolls


@dataclass(frozen=True)
class Photo:
    file_id: str
    unique_id: str


@dataclass(frozen=True, kw_only=True)
class ProofPhotos(Notice):
    """To the resident (with the Done question right after) or a leader: the volunteer's photos."""

    code: str
    volunteer_name: str
    file_ids: tuple[str, ...]
    to_leader: bool = False


async def keep_proof(
    core: Core,
    s: AsyncSession,
    req: HelpRequest,
    volunteer: Person,
    resident: Person | None,
    photos: Sequence[Photo],
    stamp: str,
    name: str,
) -> list[tuple[str, Notice, str | None, bool]]:
    """Store the photos (the first MAX_PHOTOS, each once) and return the sends that show them: the
    resident's and every leader's of the grid. `stamp` tells this report from a later one (a reopen)."""
    unique = list({p.unique_id: p for p in photos}.values())[:MAX_PHOTOS]
    if not unique:
        return []
    now = core.clock.now()
    earlier = await s.scalar(
        select(func.count()).where(col(ProofPhoto.request_id) == req.id, col(ProofPhoto.volunteer_id) == volunteer.id)
    )
    await s.execute(
        insert(ProofPhoto),
        [
            dict(
                request_id=req.id,
                volunteer_id=volunteer.id,
                file_id=p.file_id,
                file_unique_id=p.unique_id,
                created_at=now,
            )
            for p in unique
        ],
    )
    ids = tuple(p.file_id for p in unique)
    facts = dict(code=req.code or "", volunteer_name=name, file_ids=ids)
    base = f"proof:{req.id}:{volunteer.id}:{stamp}:{int(earlier or 0)}"  # a second batch is told too
    sends: list[tuple[str, Notice, str | None, bool]] = []
    mine = notice_for(resident, ProofPhotos, **facts)
    if mine is not None:
        sends.append((f"{base}:res", mine, None, False))
    for leader in await leaders_of(s, req.grid_id):
        lead = notice_for(leader, ProofPhotos, to_leader=True, **facts)
        if lead is not None:
            sends.append((f"{base}:lead:{leader.id}", lead, None, False))
    return sends


async def attach_proof(core: Core, actor: Actor, request_id: int, photos: Sequence[Photo]) -> int:
    """After Done: the volunteer's photos of the task, kept and sent to the resident and the grid's
    leaders. Only by a volunteer whose part is done (before the resident confirms or after); how many
    were kept (the first MAX_PHOTOS)."""
    if not photos:
        raise InvalidInput("proof.error.none")
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        req = await get_request(s, request_id)
        a = await claims.holds(s, request_id, me.id or 0)
        if a is None:
            raise NotAllowed("task.error.not_yours", code=req.code or "")
        if a.status != AssignmentStatus.done.value:
            raise Conflict("proof.error.not_done", code=req.code or "")
        stamp = str(await reopen_count(s, request_id))
        resident = await person(s, req.resident_id)
        sends = await keep_proof(core, s, req, me, resident, photos, stamp, display_name(me))
        await core.notifier.queue(s, sends, [])
        kept = min(len({p.unique_id for p in photos}), MAX_PHOTOS)
        await audit.record(s, me.id, "task.proof", "request", req.id, code=req.code, photos=kept)
        return kept


_PHOTOS = (
    select(ProofPhoto, col(Person.name))
    .join(Person, col(Person.id) == col(ProofPhoto.volunteer_id))
    .order_by(col(ProofPhoto.id))
)


@dataclass(frozen=True)
class ProofView:
    photo_id: int
    volunteer: str
    at: datetime


async def proof_of(s: AsyncSession, request_id: int) -> list[ProofView]:
    """The request's photos, oldest first, with who took them (the dashboard's request page)."""
    rows = (await s.execute(_PHOTOS.where(col(ProofPhoto.request_id) == request_id))).all()
    return [ProofView(p.id or 0, name or "", p.created_at) for p, name in rows]


async def proof_file(s: AsyncSession, request_id: int, photo_id: int) -> str | None:
    """The file id of one of the request's photos (None: no such photo on this request)."""
    return (
        await s.execute(
            select(col(ProofPhoto.file_id)).where(
                col(ProofPhoto.id) == photo_id, col(ProofPhoto.request_id) == request_id
            )
        )
    ).scalar()


async def request_photos(core: Core, request_id: int) -> list[ProofView]:
    """The photos of a request the caller may see (the dashboard checks its viewer's grids first)."""
    async with core.db.reading() as s:
        return await proof_of(s, request_id)


async def photo_file_id(core: Core, request_id: int, photo_id: int) -> str | None:
    async with core.db.reading() as s:
        return await proof_file(s, request_id, photo_id)
