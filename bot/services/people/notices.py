"""What people's services tell others: volunteers' applications and the leaders' decisions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.services.kernel.notices import Notice


@dataclass(frozen=True)
class VolunteerCard:
    """A volunteer as a leader sees them (private chats only: it has the phone number)."""

    profile_id: int
    name: str
    grid: str
    community: str
    phone: str | None
    work_group: str
    party_member: bool
    skills: tuple[str, ...]
    availability: str
    status: str
    unit: str | None = None  # their work unit's name


@dataclass(frozen=True, kw_only=True)
class VolunteerApplied(Notice):
    """A new application, to one of the grid's deciders, with approve / decline buttons."""

    card: VolunteerCard


class Decision(StrEnum):
    """How an application ended, as its card says."""

    approved = "approved"
    declined = "declined"


@dataclass(frozen=True, kw_only=True)
class ApplicationDecided(Notice):
    """Every copy of the application's card, once a leader decided (no phone, no buttons)."""

    card: VolunteerCard
    decision: Decision
    by: str


@dataclass(frozen=True, kw_only=True)
class ApplicationWithdrawn(Notice):
    """Every copy of a pending application's card, when the applicant leaves first."""

    name: str


@dataclass(frozen=True, kw_only=True)
class VolunteerApproved(Notice):
    """To the applicant: approved, and how to reach the grid's volunteer group (if it has one)."""

    grid: str
    group: str | None
    invite_link: str | None


@dataclass(frozen=True, kw_only=True)
class VolunteerDeclined(Notice):
    grid: str
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class StandingChanged(Notice):
    """To the volunteer: suspended (no tasks or visits until reinstated), or reinstated."""

    grid: str
    suspended: bool


@dataclass(frozen=True, kw_only=True)
class VolunteerLeft(Notice):
    """To the grid's deciders: a volunteer left; `households` pairings ended with them."""

    name: str
    grid: str
    households: int
