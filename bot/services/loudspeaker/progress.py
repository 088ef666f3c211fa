"""The delivery watcher: while a notice's messages leave the outbox, the sender's card is edited to
say how many arrived ("delivered 120/300, 2 failed"), at most once a round and only when the
figures moved (the caller paces the rounds: bot/jobs/notice_progress.py). Once nothing waits, the
figures are final and kept with the notice (the outbox forgets its rows). A notice whose fan-out
was cut short (the bot stopped half-way through queueing) is finished first. Everything it reads is
in the database, so a restarted bot carries on where the last one stopped."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import aware, lock
from storage import outbox
from storage.models import Announcement, Community, Grid, Person

from .notices import DeliveryCard
from .sending import messages_ref, queue_recipients, status_ref

RESUME_AFTER = timedelta(minutes=1)  # a fan-out still unqueued this long after the press was cut short
ROUND = 50  # notices looked at per round


async def refresh_deliveries(core: Core) -> int:
    """One round over the notices still being delivered; how many cards it edited."""
    now = core.clock.now()
    async with core.db.reading() as s:
        open_ = list(
            (
                await s.execute(
                    select(col(Announcement.id), col(Announcement.created_at), col(Announcement.queued_at))
                    .where(col(Announcement.finished_at).is_(None))
                    .order_by(col(Announcement.id))
                    .limit(ROUND)
                )
            ).all()
        )
    edited = 0
    for row_id, created_at, queued_at in open_:
        aid = stored_id(row_id)
        if queued_at is None:
            if now - aware(created_at) >= RESUME_AFTER:
                await queue_recipients(core, aid)
            continue
        edited += await _refresh_one(core, aid)
    return edited


async def _refresh_one(core: Core, announcement_id: int) -> int:
    async with core.db.session() as s:
        ann = await lock(s, Announcement, announcement_id)
        if ann is None or ann.finished_at is not None:
            return 0
        counts = await outbox.tally(s, messages_ref(announcement_id))
        finished = counts.waiting == 0
        if (counts.delivered, counts.failed) == (ann.delivered, ann.failed) and not finished:
            return 0
        ann.delivered, ann.failed, ann.recipients = counts.delivered, counts.failed, max(counts.total, ann.recipients)
        if finished:
            ann.finished_at = core.clock.now()
        s.add(ann)
        sender = await s.get(Person, ann.sender_id)
        if sender is None or sender.tg_user_id is None:
            return 0
        where = await s.get(Grid, ann.grid_id) if ann.grid_id is not None else await s.get(Community, ann.community_id)
        card = DeliveryCard(
            chat_id=sender.tg_user_id,
            language=sender.language,
            announcement_id=stored_id(ann.id),
            place=where.name if where is not None else "",
            audience=ann.audience,
            urgent=ann.urgent,
            text=ann.text,
            recipients=ann.recipients,
            delivered=ann.delivered,
            failed=ann.failed,
            muted=ann.muted,
            finished=finished,
        )
        await core.notifier.edit_card(s, status_ref(announcement_id), card)
        return 1
