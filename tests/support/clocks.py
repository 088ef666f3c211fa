"""A clock for the running bot that starts on a chosen day and then runs like the wall clock (so
the outbox's pace and retries still pass), for what depends on the date: /request's example
dates, a day in the past, a year on a card."""

from __future__ import annotations

from datetime import UTC, datetime


class DayClock:
    def __init__(self, start: datetime) -> None:
        self.set(start)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("DayClock needs an aware datetime")
        self._offset = when.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset
