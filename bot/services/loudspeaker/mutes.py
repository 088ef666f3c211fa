"""Residents may mute non-urgent notices (/notices off, or the button under a notice) and hear them
again (/notices on). Urgent notices, and notices to volunteers, reach them whatever they chose."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.roles import Actor, ensure_person
from storage import audit
from storage.models import NoticeMute
from storage.rows import affected
from storage.upsert import insert_ignore


async def notices_muted(core: Core, actor: Actor) -> bool:
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        return (
            await s.scalar(select(col(NoticeMute.person_id)).where(col(NoticeMute.person_id) == person.id)) is not None
        )


async def set_notices_muted(core: Core, actor: Actor, muted: bool) -> bool:
    """Mute (True) or hear (False) non-urgent notices; False when it was so already."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        await s.flush()
        if muted:
            changed = await insert_ignore(
                s, NoticeMute, dict(person_id=person.id, muted_at=core.clock.now()), ["person_id"]
            )
        else:
            changed = bool(affected(await s.execute(delete(NoticeMute).where(col(NoticeMute.person_id) == person.id))))
        if changed:
            await audit.record(s, person.id, "notice.muted" if muted else "notice.unmuted", "person", person.id)
        return changed
