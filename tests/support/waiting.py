"""Waiting in tests: for a condition, with a deadline, failing the test with what was awaited.

No test sleeps and then asserts: a sleep long enough on a quiet machine is too short on a loaded
one, and then the assertion either fails by chance or, worse, passes by chance. A test waits for
what it needs to see (`wait_for`), checks that something keeps holding for a stretch (`holds`),
or waits for the bot to be done with every update (`settle`). For polling a process that may not
be up yet (errors count as "not yet"), see `tests.support.workers.eventually`.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

INTERVAL = 0.02  # seconds between two looks


async def _look(condition: Callable[[], T | Awaitable[T]]) -> T:
    value = condition()
    if inspect.isawaitable(value):
        return await value
    return value


async def wait_for(
    condition: Callable[[], T | Awaitable[T]],
    timeout: float = 5.0,
    what: str = "the condition",
    interval: float = INTERVAL,
) -> T:
    """Look at `condition()` (plain or async) until it is truthy, and return that value; fail the
    test naming `what` if it is not by `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await _look(condition)
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what} (last: {value!r})")
        await asyncio.sleep(interval)


async def holds(condition: Callable[[], Any], duration: float, what: str, interval: float = INTERVAL) -> None:
    """Look at `condition()` (plain or async) again and again for `duration` seconds; fail the test
    naming `what` the first time it is falsy. For "nothing happens meanwhile"."""
    deadline = time.monotonic() + duration
    while True:
        value = await _look(condition)
        if not value:
            raise AssertionError(f"{what} stopped holding (got {value!r})")
        left = deadline - time.monotonic()
        if left <= 0:
            return
        await asyncio.sleep(min(interval, left))


def bot_is_quiet(running: Any) -> bool:
    """No update waits in the sandbox (Telegram), and none is being handled: every update the bot
    has been sent is handled and confirmed. `running` is the world fixture or the running bot."""
    bot = getattr(running, "bot", running)
    processor = bot.app.update_processor
    return not bot.sb.state.updates and not getattr(processor, "in_flight", 0)


async def settle(running: Any, timeout: float = 5.0) -> None:
    """Wait until the bot has handled every update sent so far (e.g. the `my_chat_member` updates
    the world fixture causes by adding the bot to groups); fail the test if it has not gone quiet
    by `timeout` seconds."""
    await wait_for(
        lambda: bot_is_quiet(running), timeout, "the bot to go quiet (no update waiting in the sandbox or in flight)"
    )
