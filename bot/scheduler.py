"""The scheduler: a tick once a minute (PTB's JobQueue, i.e. APScheduler) that asks every job
what is due now and runs what the database says is not done yet.

The tick holds no state that matters: `due_jobs(core, now)` and `run_due(core, now)` read
communities, events and JobRun rows and take the time from `core.clock`, so tests drive them with
a FakeClock, a bot started after downtime catches up on its first tick, and two schedulers on one
database still send each message once (outbox keys). Exactly one process should run it per
database: `app.bot_data["scheduler_is_leader"]` (a callable returning bool, or an awaitable of
one) is asked before every tick; on PostgreSQL an advisory-lock election plugs in there.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot import logcontext
from bot.jobs import Due, Job, all_jobs
from bot.services.kernel.core import Core
from storage import jobs as job_runs

log = logging.getLogger(__name__)
TICK_SECOND = 2  # ticks at hh:mm:02
IsLeader = Callable[[], "bool | Awaitable[bool]"]


async def due_jobs(core: Core, now: datetime | None = None, jobs: list[Job] | None = None) -> list[Due]:
    """Every period whose window is open at `now` and that the database does not mark done."""
    now = now or core.clock.now()
    out: list[Due] = []
    for job in jobs or all_jobs():
        try:
            dues = await job.due(core, now)
        except Exception:  # one broken job must not stop the others
            log.exception("scheduler: could not list due periods of %s", job.name)
            continue
        async with core.db.session() as s:
            done = await job_runs.done_periods(s, job.name, [d.period for d in dues])
        out += [d for d in dues if d.period not in done]
    return out


async def run_due(core: Core, now: datetime | None = None, jobs: list[Job] | None = None) -> list[Due]:
    """Run every due period, then mark it done. A period that fails stays undone and is tried
    again on the next tick while its window is open; a re-run only adds missing outbox rows."""
    now = now or core.clock.now()
    by_name = {j.name: j for j in jobs or all_jobs()}
    ran = []
    for d in await due_jobs(core, now, list(by_name.values())):
        if await run_one(core, by_name[d.job], d) is not None:
            ran.append(d)
    return ran


async def run_one(core: Core, job: Job, d: Due) -> int | None:
    """Run one period of `job` and mark it done (how many messages it queued); None if it failed,
    and it stays undone. The scheduler's tick and `redvest jobs run` both run periods through here."""
    token = logcontext.JOB.set(d.job)  # every line logged while it runs names the job
    try:
        try:
            sent = await job.run(core, d)
        except Exception:
            log.exception("scheduler: %s %s failed; will retry while its window is open", d.job, d.period)
            return None
        async with core.db.session() as s:
            await job_runs.mark_done(s, d.job, d.period, core.clock.now())
        log.info("scheduler: %s %s done (%s queued)", d.job, d.period, sent)
        return sent
    finally:
        logcontext.JOB.reset(token)


SCAN_STEP = timedelta(hours=1)  # no window but the five-minute check is shorter (that one is always due)
SCAN_HORIZON = timedelta(days=15)  # every weekly job comes round within it, even just after it ran


async def next_due(core: Core, job: Job, now: datetime | None = None) -> list[Due]:
    """The periods of `job` that are open now and not done, else those of its next window within
    SCAN_HORIZON (looked for every SCAN_STEP): what `redvest jobs run` runs, and when `jobs list`
    says it runs next."""
    now = now or core.clock.now()
    at = now
    while at <= now + SCAN_HORIZON:
        found = await due_jobs(core, at, [job])
        if found:
            return found
        at += SCAN_STEP
    return []


class Ticker:
    """What the JobQueue triggers: one tick at a time, only on the elected process."""

    def __init__(self, core: Core, is_leader: IsLeader | None = None) -> None:
        self.core = core
        self.is_leader = is_leader or (lambda: True)
        self.lock = asyncio.Lock()

    async def leader(self) -> bool:
        answer = self.is_leader()
        return bool(await answer) if inspect.isawaitable(answer) else bool(answer)

    async def tick(self, _context: Any = None) -> list[Due]:
        if self.lock.locked():  # the previous tick is still fanning out; it will see the same work
            return []
        async with self.lock:
            try:
                if not await self.leader():
                    return []
                return await run_due(self.core)
            except Exception:  # the database may be away for a while: the next tick tries again
                log.exception("scheduler tick failed")
                return []


async def start(app: Any) -> None:
    """Tick every minute, and once right away so work missed during downtime is caught up."""
    core: Core = app.bot_data["core"]
    ticker = Ticker(core, app.bot_data.get("scheduler_is_leader"))
    jq = app.job_queue
    if jq is None:
        raise RuntimeError("the scheduler needs python-telegram-bot[job-queue]")
    # A tick that fires late (a busy loop, a suspended machine) still runs, once (coalesce); what it
    # then does is decided by each job's own window, never by how late the tick was.
    kwargs = {"misfire_grace_time": core.cfg.schedule.misfire_grace_seconds, "coalesce": True, "max_instances": 1}
    app.bot_data["scheduler"] = ticker
    app.bot_data["scheduler_jobs"] = [
        jq.run_once(ticker.tick, when=1, name="redvest-catch-up", job_kwargs=dict(kwargs)),
        jq.run_custom(
            ticker.tick, name="redvest-tick", job_kwargs={"trigger": "cron", "second": TICK_SECOND, **kwargs}
        ),
    ]
    log.info("scheduler started")


async def stop(app: Any) -> None:
    for job in app.bot_data.pop("scheduler_jobs", []):
        try:
            job.schedule_removal()
        except Exception:  # already gone with the JobQueue
            pass
    ticker: Ticker | None = app.bot_data.pop("scheduler", None)
    if ticker is not None and ticker.lock.locked():  # let a running fan-out reach a chunk boundary
        try:
            await asyncio.wait_for(ticker.lock.acquire(), timeout=10)
            ticker.lock.release()
        except TimeoutError:
            log.warning("scheduler stopped during a fan-out; the next start completes it")
