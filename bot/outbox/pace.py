"""Telegram's limits for the outbox sender: a global pace and a per-group minute, kept however
requests bunch up on their way to Telegram."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable

SLACK = 0.02  # seconds


class Pace:
    """Telegram's limits, kept whatever the network does.

    Telegram counts a request at some moment between our sending it and our reading its answer.
    So if, when a request is sent, the answers read during the last second plus the requests still
    in flight stay under the limit, Telegram cannot count more than the limit in any second, however
    the requests bunch up on the way (a stalled server, a busy event loop). The same holds per group
    over a minute. On top, sends are spaced evenly (1/per_second) so traffic stays smooth.

    With paid broadcasts (`free_per_second` set), `per_second` is the paid pace of the sends that
    carry allow_paid_broadcast, and the calls that cannot carry it (`unpaid`: a card's edit, menus)
    must also fit the free pace, by the same rule, counted on their own.
    """

    def __init__(
        self,
        per_second: float,
        per_group_per_minute: int,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        free_per_second: float | None = None,
    ) -> None:
        self.interval = 1.0 / per_second
        # how far behind its grid the pace may fall and catch up: one slot, or 20 ms at a fast paid
        # pace, where a sleep is never shorter than the event loop's millisecond
        self.slack = max(self.interval, SLACK)
        self.cap = max(1, int(per_second))
        self.per_group = per_group_per_minute
        self.monotonic = monotonic
        self.next_slot = 0.0
        self.paused_until = 0.0
        self.answered: deque[float] = deque()  # when answers were read, last second
        self.in_flight = 0
        self.group_answered: dict[int, deque[float]] = defaultdict(deque)  # last minute, per group
        self.group_in_flight: dict[int, int] = defaultdict(int)
        self.free: Pace | None = None if free_per_second is None else Pace(free_per_second, 60, monotonic)

    @staticmethod
    def _room(answered: deque[float], in_flight: int, cap: int, window: float, now: float) -> float:
        """Seconds until one more request fits (a short poll when only in-flight ones block)."""
        while answered and answered[0] <= now - window:
            answered.popleft()
        over = len(answered) + in_flight - cap + 1
        if over <= 0:
            return 0.0
        if over > len(answered):
            return 0.005  # wait for an answer to come back
        return answered[over - 1] + window - now + 0.001

    def group_wait(self, chat_id: int) -> float:
        """Seconds until this group may get another message (0 if now)."""
        if chat_id >= 0:
            return 0.0
        now = self.monotonic()
        wait = self._room(self.group_answered[chat_id], self.group_in_flight[chat_id], self.per_group, 60.0, now)
        if not self.group_answered[chat_id] and not self.group_in_flight[chat_id]:
            del self.group_answered[chat_id], self.group_in_flight[chat_id]
        return wait

    def wait(self, chat_id: int, unpaid: bool = False) -> float:
        now = self.monotonic()
        return max(
            self.next_slot - now,
            self.paused_until - now,
            self.group_wait(chat_id),
            self._room(self.answered, self.in_flight, self.cap, 1.0, now),
            self.free.wait(0) if unpaid and self.free else 0.0,
        )

    async def acquire(self, chat_id: int, unpaid: bool = False) -> None:
        """Wait until a request to `chat_id` fits the limits, then count it as in flight. `unpaid`: a
        call that cannot carry allow_paid_broadcast (only matters with paid broadcasts on)."""
        while (w := self.wait(chat_id, unpaid)) > 0:
            await asyncio.sleep(w)
        self._take(chat_id)
        if unpaid and self.free:
            self.free._take(0)

    def _take(self, chat_id: int) -> None:
        # slots on a fixed grid: a late wake-up is made up by the next slots instead of drifting
        self.next_slot = max(self.next_slot, self.monotonic() - self.slack) + self.interval
        self.in_flight += 1
        if chat_id < 0:
            self.group_in_flight[chat_id] += 1

    def end(self, chat_id: int, unpaid: bool = False) -> None:
        """The answer to a request acquired for `chat_id` was read (or it failed)."""
        now = self.monotonic()
        self.in_flight -= 1
        self.answered.append(now)
        if chat_id < 0:
            self.group_in_flight[chat_id] -= 1
            self.group_answered[chat_id].append(now)
        if unpaid and self.free:
            self.free.end(0)

    def note(self, chat_id: int) -> None:
        """A call made outside the outbox (an answer to the person who just wrote) was answered: it is
        counted as the outbox's own are, so the outbox leaves it room and together they keep the
        bot's limit (bot/transport/limits.py reports each one here)."""
        now = self.monotonic()
        self.answered.append(now)
        if chat_id < 0:
            self.group_answered[chat_id].append(now)
        if self.free:
            self.free.note(0)

    def delay(self) -> float:
        """How long until the next slot (a pause after a 429 shows here)."""
        return max(0.0, max(self.next_slot, self.paused_until) - self.monotonic())

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.monotonic() + seconds)


class Ticket:
    """One acquired request: ended exactly once, as soon as its answer is read (then `release`, the
    sender's slot for a request in flight, is given back: marking the row sent holds none)."""

    def __init__(
        self, pace: Pace, chat_id: int, unpaid: bool = False, release: Callable[[], None] | None = None
    ) -> None:
        self.pace, self.chat_id, self.unpaid, self.release, self.open = pace, chat_id, unpaid, release, True

    def done(self) -> None:
        if self.open:
            self.open = False
            self.pace.end(self.chat_id, self.unpaid)
            if self.release:
                self.release()
