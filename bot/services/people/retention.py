"""Data retention: personal details of requests closed longer than `requests.retention_days` ago
are erased (address, phone, free text that may hold them); the figures stay (category, times,
status, stars), so digests and exports of old weeks still add up. Runs daily from the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlmodel import col

from bot.services.kernel.core import Core
from storage import audit, jobs, outbox
from storage.enums import RequestStatus
from storage.models import Assignment, HelpRequest, ProofPhoto, Rating

FINAL = (
    RequestStatus.completed.value,
    RequestStatus.cancelled.value,
    RequestStatus.closed.value,
    RequestStatus.out_of_scope.value,
    RequestStatus.duplicate.value,
)
OUTBOX_DAYS = 120  # then the rows themselves go (their periods are long closed)
CHECK_RUNS_DAYS = 2  # bookkeeping rows of the five-minute escalation check


@dataclass
class RetentionResult:
    requests_erased: int
    payloads_forgotten: int
    outbox_deleted: int


async def erase_expired_requests(core: Core) -> int:
    """Erase personal details of requests closed before the retention cut-off; returns how many."""
    now = core.clock.now()
    cutoff = now - timedelta(days=core.cfg.requests.retention_days)
    closed_at = func.coalesce(col(HelpRequest.closed_at), col(HelpRequest.done_at), col(HelpRequest.created_at))
    expired = select(col(HelpRequest.id)).where(
        col(HelpRequest.status).in_(FINAL), col(HelpRequest.erased_at).is_(None), closed_at < cutoff
    )
    async with core.db.session() as s:
        ids = list((await s.execute(expired)).scalars())
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            await s.execute(update(Rating).where(col(Rating.request_id).in_(chunk)).values(comment=None))
            await s.execute(
                update(Assignment).where(col(Assignment.request_id).in_(chunk)).values(note=None, release_reason=None)
            )
            await s.execute(delete(ProofPhoto).where(col(ProofPhoto.request_id).in_(chunk)))  # a home may show
            await s.execute(
                update(HelpRequest)
                .where(col(HelpRequest.id).in_(chunk))
                .values(address=None, phone=None, summary="", close_reason=None, erased_at=now)
            )
        if ids:
            await audit.record(
                s,
                None,
                "retention.erase",
                "help_request",
                None,
                count=len(ids),
                retention_days=core.cfg.requests.retention_days,
            )
    return len(ids)


async def forget_sent_texts(core: Core) -> int:
    """Delivered notifications older than outbox.forget_sent_after_hours lose their text (a task's
    details carry an address and a phone); hourly on the leader, and in the daily clean-up."""
    before = core.clock.now() - timedelta(hours=core.cfg.outbox.forget_sent_after_hours)
    async with core.db.session() as s:
        return await outbox.forget_payloads(s, before)


async def run_retention(core: Core) -> RetentionResult:
    """The daily clean-up: expired requests, old outbox texts and rows, old check bookkeeping."""
    now = core.clock.now()
    erased = await erase_expired_requests(core)
    forgotten = await forget_sent_texts(core)
    async with core.db.session() as s:
        deleted = await outbox.purge_finished(s, now - timedelta(days=OUTBOX_DAYS))
        await jobs.forget_before(s, "escalation-check", now - timedelta(days=CHECK_RUNS_DAYS))
    return RetentionResult(erased, forgotten, deleted)
