"""What the event services tell people, as facts (bot/views/events.py renders them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.services.kernel.notices import Notice
from bot.services.points import Award


class CardState(StrEnum):
    open = "open"  # sign-up and withdraw buttons
    full = "full"  # every place taken (withdrawing still possible)
    closed = "closed"  # started: no more buttons
    cancelled = "cancelled"


@dataclass(frozen=True, kw_only=True)
class EventCard(Notice):
    """The card in a volunteer group, with its live count (also each edit of every posted copy)."""

    event_id: int
    kind: str  # EventKind
    title: str
    place: str
    starts_at: datetime
    timezone: str
    signed: int
    slots: int
    state: CardState

    @property
    def group_only(self) -> bool:
        return True  # posted to volunteer groups only


@dataclass(frozen=True, kw_only=True)
class AttendedThanks(Notice):
    """To a volunteer marked present: the points it earned."""

    title: str
    starts_at: datetime
    timezone: str
    award: Award


@dataclass(frozen=True, kw_only=True)
class EventReminder(Notice):
    """The day before (`hour=False`, silent) or an hour before (`hour=True`, it rings)."""

    hour: bool
    title: str
    place: str
    starts_at: datetime
    timezone: str | None


@dataclass(frozen=True)
class ServiceDayEvent:
    title: str
    place: str
    starts_at: datetime


@dataclass(frozen=True, kw_only=True)
class ServiceDayAnnounced(Notice):
    """The day before the monthly red service day, to every approved volunteer of the community."""

    community: str
    day: date
    timezone: str
    events: tuple[ServiceDayEvent, ...] = field(default=())
