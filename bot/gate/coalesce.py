"""Group commit: calls that arrive while a round is running are served together by the next round.

The update gate takes every update, and marks it done, in a transaction of its own. With dozens
of people's updates in flight that was two transactions per update; coalesced, one transaction
serves every update that arrived in the meantime (most of a polling batch at once), and a round
costs hardly more than one update did. No update waits for a timer: a round starts as soon as the
previous one ends (unless the owner asks a round to `linger`: wait that long for company first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(self, run_round: Callable[[list[T]], Awaitable[list[R]]], name: str, linger: float = 0.0) -> None:
        self._run_round = run_round
        self._name = name
        self._linger = linger
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """The result of `item`'s round, or the exception that round raised."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)  # a cancelled caller's failed round is not "never retrieved"
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._rounds(), name=self._name)
        # the round goes on even if this caller is cancelled: others share its transaction
        return await asyncio.shield(future)

    async def _rounds(self) -> None:
        while self._pending:
            if self._linger:
                await asyncio.sleep(self._linger)
            batch, self._pending = self._pending, []
            try:
                results = await self._run_round([item for item, _ in batch])
            except BaseException as e:  # every caller of the round gets it
                for _, future in batch:
                    if not future.done():
                        future.set_exception(e)
                if isinstance(e, asyncio.CancelledError):
                    for _, future in self._pending:
                        future.cancel()
                    self._pending = []
                    raise
                continue
            for (_, future), result in zip(batch, results, strict=False):
                if not future.done():
                    future.set_result(result)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
