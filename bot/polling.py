"""Polling that never confirms an update it has not handled.

PTB's Updater confirms updates to Telegram (the getUpdates offset) as soon as it has fetched them;
if the database is away then, they are lost. Here a batch is handled first (through the
UpdateGate, chats in parallel, each chat in order) and the offset only moves past the updates that
are done. Updates that must be retried are fetched again after a short pause; those of the same
batch that were already handled are recognised as duplicates.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.updates import Outcome, UpdateGate
from storage import inbox

log = logging.getLogger(__name__)
MAX_PAUSE = 5.0


class Poller:
    def __init__(self, gate: UpdateGate, *, timeout: int = 10, limit: int = 100,
                 shutdown_timeout: float = 30.0) -> None:
        self.gate = gate
        self.shutdown_timeout = shutdown_timeout
        self.bot = gate.app.bot
        self.timeout = timeout
        self.limit = limit
        self.offset: int | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._fetch: asyncio.Task[Any] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="redvest-polling")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop fetching; the batch being handled is finished first."""
        self._stop.set()
        if self._fetch is not None and not self._fetch.done():
            self._fetch.cancel()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=self.shutdown_timeout)
            if not done:
                # a handler that never returns must not keep the process alive; its update is not
                # confirmed, so the next start fetches and handles it again
                log.warning("updates still in flight after %.0fs; stopping without them", self.shutdown_timeout)
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._confirm()

    async def run(self) -> None:
        await self._free_stale_claims()
        pause = 0.0
        while not self._stop.is_set():
            if pause:
                try:
                    await asyncio.wait_for(self._stop.wait(), pause)
                    break
                except asyncio.TimeoutError:
                    pass
            updates = await self._get_updates()
            if updates is None:  # stopping, or Telegram unreachable
                pause = min(MAX_PAUSE, max(0.5, pause * 2))
                continue
            if not updates:
                pause = 0.0
                continue
            if await self.handle_batch(updates):
                pause = 0.0
            else:
                pause = min(MAX_PAUSE, max(0.25, pause * 2))

    async def _free_stale_claims(self) -> None:
        """Only one process polls a token, so updates taken but not finished belong to a run that
        died (SIGKILL, power cut): take them again at once instead of after the lease."""
        try:
            async with self.gate.db.session() as s:
                freed = await inbox.give_back_all(s)
            if freed:
                log.info("%s updates a previous run did not finish will be handled again", freed)
        except Exception as e:  # noqa: BLE001 - the database may be away; the lease frees them later
            log.warning("could not free unfinished updates (%s)", type(e).__name__)

    async def handle_batch(self, updates: list[Update]) -> bool:
        """Handle a fetched batch; move the offset past the leading updates that are done.
        False if some update must be fetched and tried again."""
        blocked: set[Any] = set()
        results = await asyncio.gather(*(self.gate.submit(u, blocked) for u in updates), return_exceptions=True)
        outcomes: list[Outcome] = []
        for update, result in zip(updates, results):
            if isinstance(result, BaseException):  # a bug, not an outage: do not loop on it for ever
                log.error("update %s failed outside the handlers", update.update_id, exc_info=result)
                result = Outcome.done
            outcomes.append(result)
        complete = True
        for update, outcome in zip(updates, outcomes):
            if outcome in (Outcome.retry, Outcome.busy):
                complete = False
                break
            self.offset = update.update_id + 1
        if not complete:
            waiting = sum(o in (Outcome.retry, Outcome.busy) for o in outcomes)
            log.warning("%s of %s updates could not be handled yet; fetching them again", waiting, len(updates))
        return complete

    async def _get_updates(self) -> list[Update] | None:
        self._fetch = asyncio.create_task(self.bot.get_updates(
            offset=self.offset, timeout=self.timeout, limit=self.limit, allowed_updates=Update.ALL_TYPES))
        try:
            return await self._fetch
        except asyncio.CancelledError:
            if self._stop.is_set():
                return None
            raise
        except RetryAfter as e:
            log.warning("getUpdates: flood control, waiting %s", e.retry_after)
            return None
        except Conflict:
            log.error("getUpdates conflict: another process polls with this token, or a webhook is set")
            return None
        except InvalidToken:
            raise
        except (TimedOut, NetworkError) as e:
            log.warning("getUpdates failed: %s", type(e).__name__)
            return None
        finally:
            self._fetch = None

    async def _confirm(self) -> None:
        """Tell Telegram which updates are done, so a restart does not fetch them again."""
        if self.offset is None:
            return
        try:
            await self.bot.get_updates(offset=self.offset, timeout=0, limit=1,
                                       allowed_updates=Update.ALL_TYPES)
        except Exception as e:  # noqa: BLE001 - they are recognised as duplicates anyway
            log.info("could not confirm handled updates on stop (%s)", type(e).__name__)
