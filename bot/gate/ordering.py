"""Per-person order: the updates of one person run one at a time, in arrival order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different people run in parallel; the updates of one person run one at a time, in order,
    whichever chat they come from (their drafts are per person: a group update of theirs must not
    interleave with their private conversation). Updates without a person are ordered per chat.

    The gate runs updates through `in_turn`: an update waits for its person's turn *before* it takes
    one of the max_concurrent_updates slots, so a person with 64 updates waiting holds one slot, not
    64, and everybody else goes on. (PTB's own `process_update` takes its slot first.)"""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[Any, asyncio.Lock] = {}
        self._waiting: dict[Any, int] = {}

    @staticmethod
    def _key(update: object) -> Any:
        if isinstance(update, Update):
            if update.effective_user is not None:
                return ("user", update.effective_user.id)
            if update.effective_chat is not None:
                return ("chat", update.effective_chat.id)
        return None

    @property
    def in_flight(self) -> int:
        return sum(self._waiting.values())

    async def in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` when it is the person's turn and a slot is free, in that order."""
        key = self._key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # PTB's own path (its semaphore already taken); the gate calls in_turn instead
        await self.in_turn(update, coroutine)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
