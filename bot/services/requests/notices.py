"""What the request loop tells people and groups, as facts (bot/views/requests renders them).

Each notice goes to one chat (`chat_id`) in its reader's stored language (`language`; None for a
group: the community's default). A card edit is a RequestCard too (its chat_id is not used).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.services.kernel.notices import Notice
from bot.services.points import Award

from .facts import CardFacts, TaskView


class LeadIntro(Enum):
    """Why a leader gets a private copy of the card."""

    no_group = "no_group"  # the grid has no volunteer group: the new request comes to its leaders
    to_leader = "to_leader"  # nobody took it in time: the grid leader follows it up
    to_admins = "to_admins"  # still nobody: the community office is asked to step in


@dataclass(frozen=True, kw_only=True)
class RequestCard(Notice):
    """The card of a request: the group's copy, or a leader's (`lead`: Dispatch / Manage buttons)."""

    card: CardFacts
    takers: tuple[str, ...] = ()  # who took it on their own, oldest first
    units: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the units holding it (包联单位), each with its members on it
    lead: bool = False
    returned: bool = False  # a volunteer gave it back: it is on the board again
    intro: LeadIntro | None = None  # a leader's new copy says why it came
    minutes: int = 0  # with an escalation intro: how long nobody took it
    grid: str = ""  # with an escalation intro: the grid's name
    urgent: bool = False  # makes a sound

    @property
    def group_only(self) -> bool:
        return not self.lead  # the volunteer group's copy; a leader's copy has its own ref


# --- 点单 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DuplicateFlagged(Notice):
    """To a leader: a new request looks like another open one."""

    code: str
    request_id: int
    other_code: str
    other_id: int
    same_person: bool  # else: the same address


@dataclass(frozen=True, kw_only=True)
class RequestCancelled(Notice):
    """To a volunteer on it: the resident withdrew the request."""

    code: str


@dataclass(frozen=True, kw_only=True)
class FollowedUp(Notice):
    """To the resident: nobody took it yet, the grid leader (level 1) or the office (2) follows it up."""

    code: str
    level: int


# --- 接单 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TaskTaken(Notice):
    """To the volunteer who took (or was dispatched) a task: its private details and buttons."""

    task: TaskView
    dispatched: bool
    unit: str = ""  # a unit's contact put them on it for the unit (包联单位), not the grid leader


@dataclass(frozen=True, kw_only=True)
class VolunteerComing(Notice):
    """To the resident: a volunteer took their request (a button writes to them)."""

    code: str
    request_id: int
    volunteer_id: int
    volunteer_name: str  # as the text names them
    volunteer_short: str  # as the button names them (their name, else "…")


@dataclass(frozen=True, kw_only=True)
class TaskStarted(Notice):
    """To the resident: the volunteer is on the way."""

    code: str
    volunteer_name: str


@dataclass(frozen=True, kw_only=True)
class DoneReported(Notice):
    """To the resident: the volunteer says it is done; was it? (three buttons)"""

    code: str
    request_id: int
    volunteer_name: str
    hours: float
    note: str | None


@dataclass(frozen=True, kw_only=True)
class TaskReleased(Notice):
    """To the resident: the volunteer gave the task back; it is on the board again (or, `unit`: they
    went for their unit, which still holds it and sends someone else)."""

    code: str
    volunteer_name: str
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class ReleasedToLeader(Notice):
    """To a grid leader: a volunteer gave a task back, and why."""

    code: str
    request_id: int
    volunteer_name: str
    reason: str


# --- 派单 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Reassigned(Notice):
    """To the volunteer a leader took the task from."""

    code: str


@dataclass(frozen=True, kw_only=True)
class ClosedToVolunteer(Notice):
    """To a volunteer on a request a leader ended (closed, out of scope, duplicate)."""

    code: str


@dataclass(frozen=True, kw_only=True)
class ClosedToResident(Notice):
    """To the resident: a leader ended their request. `status`: closed, out_of_scope or duplicate."""

    code: str
    status: str
    reason: str
    referral: str | None  # out of scope: where it belongs (facts.REFERRALS)
    other_code: str  # duplicate: of which request


# --- 评单 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Reopened(Notice):
    """The resident said "not done": to the volunteers (back on it) or to a leader."""

    code: str
    to_leader: bool


@dataclass(frozen=True, kw_only=True)
class Completed(Notice):
    """To a volunteer: the task is confirmed, these points are theirs."""

    code: str
    award: Award | None  # None: the points were granted before (a replayed confirmation)
    hours: float
    by_leader: bool


@dataclass(frozen=True, kw_only=True)
class Rated(Notice):
    """To a volunteer: the resident's stars, and the five-star bonus they earned (None: no bonus)."""

    code: str
    stars: int
    bonus: Award | None = None


@dataclass(frozen=True, kw_only=True)
class RatingCommented(Notice):
    """To a volunteer: the resident's comment after the stars."""

    code: str
    comment: str


@dataclass(frozen=True, kw_only=True)
class ConfirmAsked(Notice):
    """To a leader (or admin): a done task nobody confirmed; confirm it (two buttons)."""

    code: str
    request_id: int


@dataclass(frozen=True, kw_only=True)
class LeaderConfirmed(Notice):
    """To the resident: the leader confirmed their request done; stars to rate it."""

    code: str
    request_id: int


# --- 💬 -----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Relayed(Notice):
    """One relayed text, to the other side of a task (a button replies)."""

    code: str
    request_id: int
    volunteer_id: int
    sender_name: str
    text: str
    to_resident: bool  # written by the volunteer


@dataclass(frozen=True)
class UnitMember:
    person_id: int
    name: str
    on_it: bool  # holds the task under the unit's claim
    hint: str | None = None  # what tells a namesake apart (kernel.namesakes)


@dataclass(frozen=True)
class UnitClaimView:
    """A unit's claim as its contact sees it: no address, no phone."""

    claim_id: int
    unit: str
    code: str
    category: str
    summary: str
    live: bool
    members: list[UnitMember] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class UnitClaimed(Notice):
    """To a unit's contact: their unit holds a task; a button per member to put on it."""

    claim: UnitClaimView
