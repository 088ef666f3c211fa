"""Writing and sending a notice: the text checked, a preview of whom it reaches, then the notice
kept (Announcement) with the sender's delivery card, and every recipient's message queued in the
outbox, chunk by chunk, each once by its key. A fan-out cut short by a restart is finished by the
delivery watcher (progress.py), which queues only what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.roles import Actor, ensure_person
from bot.services.kernel.text import clean_text
from storage import audit, outbox
from storage.enums import Audience
from storage.models import Announcement, Community, Grid, Person

from .audience import GRID, NoticePlace, Reach, allowed_place, grid_ids, places_for, reach_of
from .notices import Announced, DeliveryCard

TEXT_MAX = 2000  # leaves room in Telegram's 4,096 for the heading and the sender's name
CHUNK = 250  # messages queued per transaction (short write locks on SQLite)


@dataclass
class Preview:
    place: NoticePlace
    audience: Audience
    urgent: bool
    reach: Reach
    sender: str  # as the notice will be signed


@dataclass
class Sent:
    announcement_id: int
    place: str
    recipients: int


def check_text(text: str | None) -> str:
    return clean_text(text, max_len=TEXT_MAX, key="notice.error.bad_text")


def check_audience(value: str) -> Audience:
    if value not in Audience.__members__:
        raise InvalidInput("notice.error.bad_audience")
    return Audience(value)


async def notice_places(core: Core, actor: Actor) -> list[NoticePlace]:
    """Where the person may send notices (none: they lead no grid and administer no community)."""
    async with core.db.session() as s:
        return await places_for(s, await ensure_person(s, actor))


async def preview(core: Core, actor: Actor, kind: str, place_id: int, audience: str, urgent: bool) -> Preview:
    """Whom the notice would reach now (the role checked again)."""
    aud = check_audience(audience)
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        place = await allowed_place(s, person, kind, place_id)
        reach = await reach_of(s, await grid_ids(s, place), aud, urgent=urgent, sender_id=person.id)
        return Preview(place, aud, urgent, reach, person.name)


async def send_announcement(
    core: Core, actor: Actor, *, kind: str, place_id: int, audience: str, urgent: bool, text: str
) -> Sent:
    body, aud = check_text(text), check_audience(audience)
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        place = await allowed_place(s, person, kind, place_id)
        reach = await reach_of(s, await grid_ids(s, place), aud, urgent=urgent, sender_id=person.id)
        if not reach.total:
            raise InvalidInput("notice.error.nobody")
        ann = Announcement(
            community_id=place.community_id,
            grid_id=place.id if place.kind == GRID else None,
            sender_id=stored_id(person.id),
            audience=aud.value,
            urgent=urgent,
            text=body,
            recipients=reach.total,
            groups=len(reach.groups),
            muted=reach.muted,
            created_at=core.clock.now(),
        )
        s.add(ann)
        await s.flush()
        aid = stored_id(ann.id)
        if person.tg_user_id is not None:
            card = DeliveryCard(
                chat_id=person.tg_user_id,
                language=person.language,
                announcement_id=aid,
                place=place.name,
                audience=aud.value,
                urgent=urgent,
                text=body,
                recipients=reach.total,
                muted=reach.muted,
            )
            await core.notifier.send(s, f"ann-status:{aid}", card, card_ref=status_ref(aid))
        await audit.record(
            s, person.id, "notice.sent", "announcement", aid, place=place.name, audience=aud.value, urgent=urgent
        )
    recipients = await queue_recipients(core, aid)
    return Sent(aid, place.name, recipients)


def status_ref(announcement_id: int) -> str:
    return f"ann-status:{announcement_id}"


def messages_ref(announcement_id: int) -> str:
    """Every message of the notice carries this card_ref: their delivery is counted by it."""
    return f"ann:{announcement_id}"


async def queue_recipients(core: Core, announcement_id: int) -> int:
    """Queue the notice for everyone it reaches (again: only the missing ones); how many it reaches."""
    async with core.db.reading() as s:
        ann = await s.get(Announcement, announcement_id)
        if ann is None:
            raise NotFound()
        sender = await s.get(Person, ann.sender_id)
        where = await s.get(Grid, ann.grid_id) if ann.grid_id is not None else await s.get(Community, ann.community_id)
        place = NoticePlace(
            GRID if ann.grid_id else "community",
            ann.grid_id or ann.community_id,
            where.name if where else "",
            ann.community_id,
        )
        reach = await reach_of(
            s, await grid_ids(s, place), Audience(ann.audience), urgent=ann.urgent, sender_id=ann.sender_id
        )
    name, ref = (sender.name if sender else ""), messages_ref(announcement_id)

    def notice(chat_id: int, language: str | None, mutable: bool) -> Announced:
        return Announced(
            chat_id=chat_id,
            language=language,
            announcement_id=announcement_id,
            place=place.name,
            sender=name,
            text=ann.text,
            urgent=ann.urgent,
            mutable=mutable,
        )

    sends: list[tuple[str, Any, str | None, bool]] = []
    for r in reach.people:
        mutable = r.as_resident and not ann.urgent
        sends.append((f"{ref}:p{r.person_id}", notice(r.tg_user_id, r.language, mutable), ref, ann.urgent))
    sends += [(f"{ref}:g{chat}", notice(chat, None, False), ref, ann.urgent) for chat in reach.groups]
    for i in range(0, len(sends), CHUNK):
        async with core.db.session() as s:
            await core.notifier.queue(s, sends[i : i + CHUNK], [])
    async with core.db.session() as s:
        queued = (await outbox.tally(s, ref)).total  # a resumed fan-out: what was queued before counts too
        await s.execute(
            update(Announcement)
            .where(col(Announcement.id) == announcement_id, col(Announcement.queued_at).is_(None))
            .values(queued_at=core.clock.now(), recipients=queued)
        )
    return queued
