"""Polling that never confirms an update it has not handled.

PTB's Updater confirms updates to Telegram (the getUpdates offset) as soon as it has fetched them;
if the database is away then, they are lost. Here updates are handled first (through the
UpdateGate, people in parallel, each person in order) and the offset only moves past the leading
updates that are done.

Updates keep flowing while others are in hand: while some are in flight (at most half of `limit`),
getUpdates is asked again (without waiting, at most every `lookahead` seconds) from the same offset. Telegram answers with
the unconfirmed updates again plus any new ones; the ones already in hand are recognised by id in
the raw answer and only the new ones are parsed and started. (Waiting for a whole batch before
fetching the next made every update that arrived meanwhile wait for the slowest of the batch.)

If an update must be retried (database away, or another process holds it), nothing new is started:
what is in flight finishes, then after a short pause everything from the first unhandled update is
fetched again; updates of it that were already handled are recognised as duplicates.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.gate.updates import Outcome, UpdateGate
from bot.transport import raw_api
from storage import inbox

log = logging.getLogger(__name__)
MAX_PAUSE = 5.0
LOOKAHEAD = 0.02  # with updates in flight, look for new ones this often


class Poller:
    def __init__(
        self,
        gate: UpdateGate,
        *,
        timeout: int = 10,
        limit: int = 100,
        shutdown_timeout: float = 30.0,
        lookahead: float = LOOKAHEAD,
    ) -> None:
        self.gate = gate
        self.shutdown_timeout = shutdown_timeout
        self.bot = gate.app.bot
        self.timeout = timeout
        self.limit = limit
        self.lookahead = lookahead
        self.offset: int | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._fetch: asyncio.Task[Any] | None = None
        self._in_flight: dict[int, asyncio.Task[Outcome]] = {}
        self._finished: dict[int, Outcome] = {}  # handled, but an earlier one is not yet
        self._blocked: set[Any] = set()  # people whose earlier update must be retried: later ones wait

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="redvest-polling")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop fetching; the updates in flight are finished first."""
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
                for task in self._in_flight.values():
                    task.cancel()
                await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
            self._task = None
        await self._confirm()

    async def run(self) -> None:
        await self._free_stale_claims()
        pause = 0.0
        try:
            while not self._stop.is_set():
                if pause:
                    try:
                        await asyncio.wait_for(self._stop.wait(), pause)
                        break
                    except TimeoutError:
                        pass
                # with half the window (limit) in hand an answer would mostly bring the same ones back
                if not self._retrying() and len(self._in_flight) + len(self._finished) <= self.limit // 2:
                    raw = await self._get_updates(0 if self._in_flight else self.timeout)
                    if raw is None:  # stopping, or Telegram unreachable
                        pause = min(MAX_PAUSE, max(0.5, pause * 2))
                        continue
                    self._start_new(raw)
                if self._in_flight:
                    await asyncio.wait(self._in_flight.values(), timeout=self.lookahead)
                if self._collect():
                    pause = 0.0
                elif not self._in_flight:  # the retries' turn: from the first unhandled update
                    log.warning("%s updates could not be handled yet; fetching them again", self._waiting())
                    self._finished.clear()
                    self._blocked = set()
                    pause = min(MAX_PAUSE, max(0.25, pause * 2))
        finally:
            if self._in_flight:  # stopping: what was started is finished (stop() bounds the wait)
                await asyncio.wait(self._in_flight.values())
            self._collect()

    def _waiting(self) -> int:
        """Finished updates that must be tried again."""
        return sum(o in (Outcome.retry, Outcome.busy) for o in self._finished.values())

    def _retrying(self) -> bool:
        """An update must be tried again: start nothing new until what is in flight is done."""
        return bool(self._blocked) or self._waiting() > 0

    def _start_new(self, raw: list[dict[str, Any]]) -> None:
        """Start handling the updates of a getUpdates answer that are not in hand yet, in order."""
        for data in raw:
            uid = int(data["update_id"])
            if uid in self._in_flight or uid in self._finished or (self.offset is not None and uid < self.offset):
                continue
            update = Update.de_json(data, self.bot)
            self._in_flight[uid] = asyncio.create_task(
                self.gate.submit(update, self._blocked), name=f"redvest-update-{uid}"
            )

    def _collect(self) -> bool:
        """Take the finished updates' outcomes and move the offset past the leading done ones.
        False once one must be retried (what comes after it waits)."""
        for uid, task in list(self._in_flight.items()):
            if task.done():
                del self._in_flight[uid]
                self._finished[uid] = self._outcome(uid, task)
        first_in_flight = min(self._in_flight, default=None)
        for uid in sorted(self._finished):
            if (
                first_in_flight is not None
                and uid > first_in_flight
                or self._finished[uid] in (Outcome.retry, Outcome.busy)
            ):
                break
            del self._finished[uid]
            self.offset = uid + 1
        return not self._waiting()

    @staticmethod
    def _outcome(uid: int, task: asyncio.Task[Outcome]) -> Outcome:
        if task.cancelled():
            return Outcome.retry
        error = task.exception()
        if error is not None:  # a bug, not an outage: do not loop on it for ever
            log.error("update %s failed outside the handlers", uid, exc_info=error)
            return Outcome.done
        return task.result()

    async def _free_stale_claims(self) -> None:
        """Only one process polls a token, so updates taken but not finished belong to a run that
        died (SIGKILL, power cut): take them again at once instead of after the lease."""
        try:
            async with self.gate.db.session() as s:
                freed = await inbox.give_back_all(s)
            if freed:
                log.info("%s updates a previous run did not finish will be handled again", freed)
        except Exception as e:  # the database may be away; the lease frees them later
            log.warning("could not free unfinished updates (%s)", type(e).__name__)

    async def _get_updates(self, timeout: int) -> list[dict[str, Any]] | None:
        """The raw answer: updates already in hand are recognised by id without being parsed."""
        # as PTB's get_updates: the transport's read timeout on top of the long poll's
        read_timeout = (self.bot.request.read_timeout or 0) + timeout
        self._fetch = asyncio.create_task(
            raw_api.call(
                self.bot,
                "getUpdates",
                read_timeout=read_timeout,
                offset=self.offset,
                timeout=timeout,
                limit=self.limit,
                allowed_updates=Update.ALL_TYPES,
            )
        )
        try:
            return list(await self._fetch)
        except asyncio.CancelledError:
            if self._stop.is_set():
                return None
            raise
        except RetryAfter as e:
            log.warning("getUpdates: flood control, waiting %s s", raw_api.retry_after_seconds(e))
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
            await self.bot.get_updates(offset=self.offset, timeout=0, limit=1, allowed_updates=Update.ALL_TYPES)
        except Exception as e:  # they are recognised as duplicates anyway
            log.info("could not confirm handled updates on stop (%s)", type(e).__name__)
