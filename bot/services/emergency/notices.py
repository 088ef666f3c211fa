"""What an emergency call-up tells people, as facts (bot/views/emergency.py renders them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.kernel.notices import Notice
from bot.services.points import Award


@dataclass(frozen=True, kw_only=True)
class CallUp(Notice):
    """To a shock-team volunteer: come on duty (urgent, with On duty / Can't buttons)."""

    emergency_id: int
    place: str
    reason: str
    target: int


@dataclass(frozen=True, kw_only=True)
class CallUpEnded(Notice):
    """The call-up card once the emergency is over; `hours` is set for those who were on duty."""

    place: str
    reason: str
    award: Award | None = None  # the duty's points (None: not on duty, or granted before)
    hours: float | None = None


@dataclass(frozen=True, kw_only=True)
class Headcount(Notice):
    """The starting admin's card: who is on duty, who cannot come, who has not answered."""

    emergency_id: int
    place: str
    reason: str
    timezone: str
    started_at: datetime
    ended_at: datetime | None
    target: int
    on_duty: tuple[str | None, ...]  # names, in the order they answered
    cant: int
    waiting: int
