"""Every status and kind the storage knows, as str enums (no magic strings)."""

from enum import StrEnum


class RoleKind(StrEnum):
    leader = "leader"  # 网格长 of one grid
    admin = "admin"  # 社区管理员 of one community


class VolunteerStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    suspended = "suspended"
    left = "left"


class WorkGroup(StrEnum):
    party_in_service = "party_in_service"
    retired = "retired"
    youth = "youth"
    new_economy = "new_economy"
    resident = "resident"


class Skill(StrEnum):
    elder_care = "elder_care"
    repairs = "repairs"
    paperwork = "paperwork"
    health = "health"
    haircut = "haircut"
    tutoring = "tutoring"
    legal = "legal"
    psychology = "psychology"
    transport = "transport"
    moving = "moving"


class CareFlag(StrEnum):
    elderly_alone = "elderly_alone"
    left_behind_children = "left_behind_children"
    disability = "disability"
    other = "other"


class ChatKind(StrEnum):
    volunteers = "volunteers"
    residents = "residents"


class Category(StrEnum):
    micro_wish = "micro_wish"
    elder_care = "elder_care"
    repairs = "repairs"
    errands = "errands"
    health = "health"
    paperwork = "paperwork"
    moving = "moving"
    other = "other"


class WhenKind(StrEnum):
    urgent = "urgent"
    today = "today"
    this_week = "this_week"
    date = "date"


class RequestStatus(StrEnum):
    open = "open"  # on the board, slots free
    filled = "filled"  # every slot taken
    done_reported = "done_reported"  # volunteer says done, waiting for the resident
    completed = "completed"  # resident (or leader) confirmed
    cancelled = "cancelled"
    closed = "closed"  # closed by a leader
    out_of_scope = "out_of_scope"
    duplicate = "duplicate"


OPEN_REQUEST_STATUSES = (RequestStatus.open, RequestStatus.filled, RequestStatus.done_reported)
# Still waiting for someone if nobody took it (the digest's "overdue"): not withdrawn nor closed.
STILL_WAITING_STATUSES = tuple(
    st
    for st in RequestStatus
    if st not in (RequestStatus.cancelled, RequestStatus.closed, RequestStatus.out_of_scope, RequestStatus.duplicate)
)


class AssignmentStatus(StrEnum):
    accepted = "accepted"
    started = "started"
    done = "done"
    released = "released"
    removed = "removed"  # reassigned away by a leader


ACTIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.accepted, AssignmentStatus.started)


class Outcome(StrEnum):
    done = "done"
    partly = "partly"
    not_done = "not_done"


class VisitOutcome(StrEnum):
    met = "met"
    not_home = "not_home"
    needs_help = "needs_help"


class RedFlag(StrEnum):
    fall = "fall"
    no_food = "no_food"
    no_heating = "no_heating"
    safety = "safety"


class EventKind(StrEnum):
    event = "event"
    service_day = "service_day"


class SignupStatus(StrEnum):
    signed = "signed"
    withdrawn = "withdrawn"
    attended = "attended"
    no_show = "no_show"


class DutyAnswer(StrEnum):
    on_duty = "on_duty"
    cant = "cant"


class PointsReason(StrEnum):
    task = "task"
    task_hours = "task_hours"
    five_star = "five_star"
    visit = "visit"
    event = "event"
    emergency = "emergency"
    adjustment = "adjustment"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"  # claimed by a sender; next_attempt_at is the lease expiry
    sent = "sent"
    failed = "failed"  # gave up after max attempts
    skipped = "skipped"  # recipient blocked the bot / chat gone


class OutboxKind(StrEnum):
    send = "send"
    photo = "photo"
    document = "document"
    edit = "edit"
    album = "album"  # photos Telegram already has (file ids): one photo, or an album of 2-10
    menu = "menu"  # the "/" menus of a person's private chat (setMyCommands), not a message


class IssueStatus(StrEnum):
    """A problem found on a door visit, on the weekly meeting's list (民情速办)."""

    open = "open"
    in_progress = "in_progress"  # someone owns it
    decided = "decided"  # the meeting decided what to do
    closed = "closed"  # settled; the household is to be told


OPEN_ISSUE_STATUSES = (IssueStatus.open, IssueStatus.in_progress, IssueStatus.decided)


class Audience(StrEnum):
    """Who a notice (小喇叭) is for, in its grid or in every grid of the community."""

    residents = "residents"
    volunteers = "volunteers"
    both = "both"


class CareStatus(StrEnum):
    """One occurrence of a care plan (a household's agreed recurring service)."""

    due = "due"  # created on its day, for the volunteer to do
    done = "done"
    missed = "missed"  # not done by the next morning: the leaders were told
    called_off = "called_off"  # its plan was paused or ended before it was done: nobody is asked


class ReferralStatus(StrEnum):
    sent = "sent"  # 吹哨: waiting for the department
    accepted = "accepted"  # the department took it on
    answered = "answered"  # the department answered: the outcome
    handed_back = "handed_back"  # the department gave it back to the community
    withdrawn = "withdrawn"  # the community settled it itself while the department had it


OPEN_REFERRAL_STATUSES = (ReferralStatus.sent, ReferralStatus.accepted)
