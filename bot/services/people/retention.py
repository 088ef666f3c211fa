"""Data retention: personal details of requests closed longer than `requests.retention_days` ago
are erased (address, phone, free text that may hold them); the figures stay (category, times,
status, stars), so digests and exports of old weeks still add up. Runs daily from the scheduler."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from storage import audit, jobs, outbox
from storage.enums import RequestStatus
from storage.models import Assignment, HelpRequest, Rating

from bot.services.kernel.core import Core

FINAL = (RequestStatus.completed.value, RequestStatus.cancelled.value, RequestStatus.closed.value,
         RequestStatus.out_of_scope.value, RequestStatus.duplicate.value)
PAYLOAD_DAYS = 14     # sent notifications keep their text this long (they may name an address)
OUTBOX_DAYS = 120     # then the rows themselves go (their periods are long closed)
CHECK_RUNS_DAYS = 2   # bookkeeping rows of the five-minute escalation check


@dataclass
class RetentionResult:
    requests_erased: int
    payloads_forgotten: int
    outbox_deleted: int


async def erase_expired_requests(core: Core) -> int:
    """Erase personal details of requests closed before the retention cut-off; returns how many."""
    now = core.clock.now()
    cutoff = now - timedelta(days=core.cfg.requests.retention_days)
    closed_at = func.coalesce(HelpRequest.closed_at, HelpRequest.done_at, HelpRequest.created_at)
    expired = select(HelpRequest.id).where(HelpRequest.status.in_(FINAL), HelpRequest.erased_at.is_(None),  # type: ignore[attr-defined,union-attr]
                                           closed_at < cutoff)
    async with core.db.session() as s:
        ids = list((await s.exec(expired)).scalars())  # type: ignore[call-overload]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            await s.exec(update(Rating).where(Rating.request_id.in_(chunk)).values(comment=None))  # type: ignore[call-overload,attr-defined]
            await s.exec(update(Assignment).where(Assignment.request_id.in_(chunk)).values(  # type: ignore[call-overload,attr-defined]
                note=None, release_reason=None))
            await s.exec(update(HelpRequest).where(HelpRequest.id.in_(chunk)).values(  # type: ignore[call-overload,union-attr]
                address=None, phone=None, summary="", close_reason=None, erased_at=now))
        if ids:
            await audit.record(s, None, "retention.erase", "help_request", None, count=len(ids),
                               retention_days=core.cfg.requests.retention_days)
    return len(ids)


async def run_retention(core: Core) -> RetentionResult:
    """The daily clean-up: expired requests, old outbox texts and rows, old check bookkeeping."""
    now = core.clock.now()
    erased = await erase_expired_requests(core)
    async with core.db.session() as s:
        forgotten = await outbox.forget_payloads(s, now - timedelta(days=PAYLOAD_DAYS))
        deleted = await outbox.purge_finished(s, now - timedelta(days=OUTBOX_DAYS))
        await jobs.forget_before(s, "escalation-check", now - timedelta(days=CHECK_RUNS_DAYS))
    return RetentionResult(erased, forgotten, deleted)
