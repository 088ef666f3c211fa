"""The one place that paces and retries each Bot API call, to Telegram's limits.

Two kinds of send, each paced and retried in exactly one place:
- What the bot sends on its own goes through the outbox sender, which paces it (bot/outbox/pace.py:
  under 30 a second for the bot, 20 a minute per group, one call at a time per chat) and, on a 429,
  gives the row back to be sent after Telegram's retry_after. The sender marks its calls with
  `outbox_sends()`; this limiter then passes them straight through: no second pacing, no second retry.
- Everything else (a handler's answer to the person who just wrote) is paced here: 20 a minute per
  group (a private answer is one per update, and updates of one person run one at a time), and
  retried here once on a 429, after Telegram's retry_after (when it is short enough to wait for).
  Answers go first, never held behind a fan-out: each one is reported to the outbox's pace
  (`budget`), which leaves it room, so answers and notifications together keep the bot's 30 a second.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot import metrics

from .raw_api import retry_after_seconds

log = logging.getLogger(__name__)
GROUP_PER_MINUTE = 20
LONGEST_WAIT = 30.0  # seconds; a longer retry_after is the caller's to handle (the outbox waits, a reply fails)
_OUTBOX = ContextVar("redvest_outbox_send", default=False)
COUNTED = ("send", "edit", "copy", "forward")  # the calls Telegram counts against a bot's messages a second


class Budget(Protocol):
    """The outbox's pace, as the limiter sees it (bot/outbox/pace.Pace)."""

    def note(self, chat_id: int) -> None: ...


@contextmanager
def outbox_sends() -> Iterator[None]:
    """Calls made inside are the outbox sender's: paced and retried by it, not here."""
    token = _OUTBOX.set(True)
    try:
        yield
    finally:
        _OUTBOX.reset(token)


class TelegramLimits(BaseRateLimiter[dict[str, Any]]):
    def __init__(self) -> None:
        self._groups: dict[int | str, AsyncLimiter] = {}
        self.budget: Budget | None = None  # set when this process's outbox sender starts

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _group(self, chat_id: object) -> AsyncLimiter | None:
        group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
        if not group:
            return None
        assert isinstance(chat_id, (int, str))
        if chat_id not in self._groups:
            self._groups[chat_id] = AsyncLimiter(GROUP_PER_MINUTE, 60)
        return self._groups[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if _OUTBOX.get():
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        limiter = self._group(chat_id)
        counted = self.budget is not None and endpoint.lower().startswith(COUNTED)
        for attempt in (1, 2):
            try:
                if limiter is None:
                    return await callback(*args, **kwargs)
                async with limiter:
                    return await callback(*args, **kwargs)
            except RetryAfter as e:
                metrics.TELEGRAM_429.labels("reply").inc()
                wait = retry_after_seconds(e)
                if attempt == 2 or wait > LONGEST_WAIT:
                    raise
                log.warning("429 from Telegram on %s: retrying once in %.1f s", endpoint, wait)
                await asyncio.sleep(wait + 0.1)
            finally:
                if counted and self.budget is not None:
                    self.budget.note(chat_id if isinstance(chat_id, int) else 0)
        raise AssertionError("unreachable")
