"""What /metrics and /readyz read from the database: the outbox's depth and ages (is it stuck?) and
when each scheduled job last succeeded. Database figures: the same from every worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot import metrics
from bot.services.kernel.core import Core
from bot.services.kernel.periods import aware
from storage import jobs, outbox

PROBE_SECONDS = 3.0


@dataclass(frozen=True)
class OutboxHealth:
    depth: int
    oldest_pending_seconds: float  # 0 when nothing waits
    seconds_since_sent: float | None  # None: nothing was ever sent
    stuck_after: float

    @property
    def stuck(self) -> bool:
        """Messages have waited longer than `stuck_after` and nothing was sent for as long: a long
        fan-out that keeps sending is busy, not stuck."""
        idle = self.seconds_since_sent is None or self.seconds_since_sent > self.stuck_after
        return self.oldest_pending_seconds > self.stuck_after and idle


async def outbox_health(core: Core) -> OutboxHealth:
    now = core.clock.now()
    async with core.db.reading() as s:
        depth = await outbox.depth(s)
        oldest = await outbox.oldest_pending_at(s)
        last = await outbox.last_sent_at(s)
    return OutboxHealth(
        depth=depth,
        oldest_pending_seconds=max(0.0, (now - aware(oldest)).total_seconds()) if oldest else 0.0,
        seconds_since_sent=max(0.0, (now - aware(last)).total_seconds()) if last else None,
        stuck_after=float(core.cfg.web.outbox_stuck_seconds),
    )


async def refresh_metrics(core: Core) -> None:
    """Set the database-read gauges; on a database that does not answer in time they keep their last
    values (/healthz and /readyz report the database)."""
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            health = await outbox_health(core)
            async with core.db.reading() as s:
                last: dict[str, datetime] = await jobs.last_success(s)
    except Exception:
        return
    metrics.OUTBOX_DEPTH.set(health.depth)
    metrics.OUTBOX_OLDEST.set(health.oldest_pending_seconds)
    if health.seconds_since_sent is not None:
        metrics.OUTBOX_SINCE_SENT.set(health.seconds_since_sent)
    for job, at in last.items():
        metrics.JOB_LAST_SUCCESS.labels(job).set(aware(at).timestamp())
