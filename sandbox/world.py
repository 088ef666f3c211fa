"""The shape of the sandbox's state, shared by its parts (SandboxState, Timeline, UserActions)."""

from __future__ import annotations

import asyncio
from typing import Any

from .errors import Json
from .limits import RateLimiter


class Notifier:
    def __init__(self) -> None:
        self._ev = asyncio.Event()

    def notify(self) -> None:
        self._ev.set()
        self._ev = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        ev = self._ev
        try:
            await asyncio.wait_for(ev.wait(), max(0.0, timeout))
        except TimeoutError:
            pass


class World:
    """What every part of the sandbox's state may read: set by SandboxState (`reset`); the methods
    below are SandboxState's, named here so the parts mixed into it can call them."""

    bot_username: str
    bot_first_name: str
    bot_id: int
    initial_bot_id: int
    limiter: RateLimiter
    notifier: Notifier
    poll_gen: int  # the latest getUpdates call (set by it)
    webhook_task: asyncio.Task[Any] | None
    users: dict[int, Json]
    started: set[int]
    blocked: set[int]
    groups: dict[int, Json]
    private_used: set[int]
    msgs: dict[int, dict[int, Json]]
    updates: list[Json]
    next_update_id: int
    allowed_updates: set[str]
    events: list[Json]
    seq: int
    callbacks: dict[str, Json]
    webhook: Json
    commands: dict[str, list[Json]]
    profile: dict[str, dict[str, str]]  # description / short_description by language code ("": none)
    menu_buttons: dict[str, Json]
    files: dict[str, Json]
    file_paths: dict[str, str]
    invite_links: dict[int, str]
    stats: Json

    def block(self, user_id: int, blocked: bool = True) -> None:
        raise NotImplementedError

    def group(self, chat_id: int) -> Json:
        raise NotImplementedError

    def chat_obj(self, chat_id: int) -> Json:
        raise NotImplementedError
