"""Telegram-like flood limits: rolling windows per bot and per group chat.

A send that carries ``allow_paid_broadcast`` (a bot with Paid Broadcasts on: Telegram charges 0.1 Star
for each message over the free 30 a second) counts against a window of 1,000 a second per bot instead
of the free 30; the group's 20 a minute still holds. Telegram does not say how paid and free calls
share a second; here they are counted apart (edits never carry the flag and stay in the free window).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from .errors import Json

# Methods that put a new message into a chat: they count against both limits.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "copyMessage",
        "forwardMessage",
        "sendInvoice",
    }
)
# Edits count against the per-bot per-second limit only (Telegram is lenient with edits
# in groups, but a bot editing 100 messages a second still gets throttled).
EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"})


class RateLimiter:
    """Rolling-window counters. ``check`` returns None (allowed, recorded) or retry_after (s)."""

    def __init__(
        self,
        per_second: int = 30,
        per_group_per_minute: int = 20,
        enabled: bool = True,
        count_edits: bool = True,
        clock: Callable[[], float] = time.monotonic,
        paid_per_second: int = 1000,
    ) -> None:
        self.per_second = per_second
        self.paid_per_second = paid_per_second
        self.per_group_per_minute = per_group_per_minute
        self.enabled = enabled
        self.count_edits = count_edits
        self.clock = clock
        self._bot: dict[int, deque[float]] = {}
        self._paid: dict[int, deque[float]] = {}  # paid broadcasts, per bot
        self._group: dict[tuple[int, int], deque[float]] = {}
        self._refusals: dict[int, list[int]] = {}  # chat id -> retry_after of each coming refusal

    def configure(
        self,
        per_second: int | None = None,
        per_group_per_minute: int | None = None,
        enabled: bool | None = None,
        count_edits: bool | None = None,
        paid_per_second: int | None = None,
    ) -> None:
        if paid_per_second is not None:
            self.paid_per_second = int(paid_per_second)
        if per_second is not None:
            self.per_second = int(per_second)
        if per_group_per_minute is not None:
            self.per_group_per_minute = int(per_group_per_minute)
        if enabled is not None:
            self.enabled = bool(enabled)
        if count_edits is not None:
            self.count_edits = bool(count_edits)

    def reset(self) -> None:
        self._bot.clear()
        self._paid.clear()
        self._group.clear()

    def counts(self, method: str) -> bool:
        return method in SEND_METHODS or (self.count_edits and method in EDIT_METHODS)

    @staticmethod
    def _retry(q: deque[float], limit: int, window: float, now: float) -> int | None:
        while q and q[0] <= now - window:
            q.popleft()
        if len(q) < limit:
            return None
        # the slot frees when the (len-limit)th oldest leaves the window
        oldest = q[len(q) - limit]
        return max(1, math.ceil(oldest + window - now))

    def refuse_next(self, chat_id: int, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` sends to `chat_id` get a 429 whatever the counters say (a flood
        Telegram decided on its own), so a test can watch what a client does with one."""
        self._refusals.setdefault(chat_id, []).extend([retry_after] * times)

    def check(self, bot_id: int, method: str, chat_id: int | None, paid: bool = False) -> int | None:
        """`paid`: the call carried allow_paid_broadcast (only a send's counts: an edit has no such flag)."""
        refusals = self._refusals.get(chat_id) if chat_id is not None else None
        if refusals and method in SEND_METHODS:
            return refusals.pop(0)
        if not self.enabled or not self.counts(method):
            return None
        now = self.clock()
        paid = paid and method in SEND_METHODS
        bq = (self._paid if paid else self._bot).setdefault(bot_id, deque())
        retry = self._retry(bq, self.paid_per_second if paid else self.per_second, 1.0, now)
        gq = None
        if chat_id is not None and chat_id < 0 and method in SEND_METHODS:
            gq = self._group.setdefault((bot_id, chat_id), deque())
            g_retry = self._retry(gq, self.per_group_per_minute, 60.0, now)
            if g_retry is not None:
                retry = max(retry or 0, g_retry)
        if retry is not None:
            return retry
        bq.append(now)
        if gq is not None:
            gq.append(now)
        return None

    def to_dict(self) -> Json:
        return {
            "per_second": self.per_second,
            "paid_per_second": self.paid_per_second,
            "per_group_per_minute": self.per_group_per_minute,
            "enabled": self.enabled,
            "count_edits": self.count_edits,
        }
