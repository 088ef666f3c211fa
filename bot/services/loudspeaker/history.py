"""The notices sent, newest first, for the dashboard: where, to whom, by whom, when, and how far
each was delivered (final once its messages left the outbox, else as of the watcher's last round)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.ids import stored_id
from bot.services.kernel.periods import aware, zone
from storage.models import Announcement, Community, Grid, Person

SHOWN = 200


@dataclass(frozen=True)
class NoticeRow:
    id: int
    sent_at: datetime  # in the viewer's community's time zone
    place: str
    community_wide: bool
    audience: str  # Audience
    urgent: bool
    sender: str
    text: str
    recipients: int
    delivered: int
    failed: int
    muted: int
    finished: bool


async def notice_history(core: Core, grid_ids: list[int], community_ids: list[int], tz: str) -> list[NoticeRow]:
    """Notices to these grids, and to the whole of these communities."""
    if not grid_ids and not community_ids:
        return []
    async with core.db.reading() as s:
        rows = (
            await s.execute(
                select(Announcement, col(Person.name), col(Grid.name), col(Community.name))
                .join(Person, col(Person.id) == col(Announcement.sender_id))
                .join(Community, col(Community.id) == col(Announcement.community_id))
                .outerjoin(Grid, col(Grid.id) == col(Announcement.grid_id))
                .where(
                    or_(
                        col(Announcement.grid_id).in_(grid_ids),
                        and_(col(Announcement.grid_id).is_(None), col(Announcement.community_id).in_(community_ids)),
                    )
                )
                .order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc())
                .limit(SHOWN)
            )
        ).all()
    local = zone(tz)
    return [
        NoticeRow(
            id=stored_id(a.id),
            sent_at=aware(a.created_at).astimezone(local),
            place=grid or community,
            community_wide=a.grid_id is None,
            audience=a.audience,
            urgent=a.urgent,
            sender=sender or "—",
            text=a.text,
            recipients=a.recipients,
            delivered=a.delivered,
            failed=a.failed,
            muted=a.muted,
            finished=a.finished_at is not None,
        )
        for a, sender, grid, community in rows
    ]
