"""The request loop: requests (点单), assignments (接单), ratings (评单), relays."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.enums import STILL_WAITING_STATUSES

from ._base import created_at_field, ts_field

# Requests nobody has accepted and that still wait (the digest's "overdue"): few rows among millions,
# so they get an index of their own. Literal SQL, shared by the index and the query, so the planner
# can see the query implies the index's condition.
UNACCEPTED_WAITING = "first_accepted_at IS NULL AND status IN ({})".format(
    ", ".join(f"'{st.value}'" for st in STILL_WAITING_STATUSES)
)


class HelpRequest(SQLModel, table=True):
    __tablename__ = "help_request"
    __table_args__ = (
        Index("ix_help_request_grid_status", "grid_id", "status"),
        Index("ix_help_request_grid_created", "grid_id", "created_at"),
        # the dashboard's "accepted / done this week" figures
        Index("ix_help_request_grid_accepted", "grid_id", "first_accepted_at"),
        Index("ix_help_request_grid_done", "grid_id", "done_at"),
        Index(
            "ix_help_request_unaccepted",
            "grid_id",
            "created_at",
            sqlite_where=text(UNACCEPTED_WAITING),
            postgresql_where=text(UNACCEPTED_WAITING),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=16, unique=True)
    grid_id: int = Field(foreign_key="grid.id")
    resident_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    source: str = Field(default="resident", max_length=16)  # resident | visit | leader
    category: str = Field(max_length=32)  # Category
    summary: str = Field(max_length=1000)
    when_kind: str = Field(max_length=16)  # WhenKind
    when_date: str | None = Field(default=None, max_length=10)  # ISO date
    address: str | None = Field(default=None, max_length=255)  # private
    phone: str | None = Field(default=None, max_length=32)  # private
    slots: int = Field(default=1, ge=1)
    slots_taken: int = Field(default=0)
    status: str = Field(default="open", max_length=16)  # RequestStatus
    escalation_level: int = Field(default=0)  # 0 none, 1 leader told, 2 admins told
    duplicate_of: int | None = Field(default=None, foreign_key="help_request.id")
    suspected_duplicate_of: int | None = Field(default=None, foreign_key="help_request.id")
    created_by: int | None = Field(
        default=None, foreign_key="person.id"
    )  # who typed it in (resident, leader, visiting volunteer)
    close_reason: str | None = Field(default=None, max_length=500)
    referral: str | None = Field(default=None, max_length=200)  # where an out-of-scope request belongs
    created_at: datetime = created_at_field()
    first_accepted_at: datetime | None = ts_field()
    done_at: datetime | None = ts_field()
    closed_at: datetime | None = ts_field(index=True)
    leader_confirm_asked_at: datetime | None = ts_field()  # leaders asked to confirm a done task
    erased_at: datetime | None = ts_field()


class Assignment(SQLModel, table=True):
    __table_args__ = (
        # one live assignment per volunteer and request, on SQLite and PostgreSQL alike
        Index(
            "uq_assignment_live",
            "request_id",
            "volunteer_id",
            unique=True,
            sqlite_where=text("status IN ('accepted','started','done')"),
            postgresql_where=text("status IN ('accepted','started','done')"),
        ),
        Index("ix_assignment_volunteer_status", "volunteer_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    volunteer_id: int = Field(foreign_key="person.id")
    status: str = Field(default="accepted", max_length=16)  # AssignmentStatus
    dispatched_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()
    started_at: datetime | None = ts_field()
    done_at: datetime | None = ts_field()
    hours: float | None = Field(default=None)
    note: str | None = Field(default=None, max_length=1000)
    release_reason: str | None = Field(default=None, max_length=500)
    # a unit member's assignment under their unit's claim (it holds the slot, not this row)
    unit_claim_id: int | None = Field(default=None, foreign_key="unit_claim.id", index=True)


class Rating(SQLModel, table=True):
    __table_args__ = (Index("ix_rating_created", "created_at"),)  # the digest's ratings of a week
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", unique=True)
    resident_id: int | None = Field(default=None, foreign_key="person.id")
    outcome: str = Field(max_length=16)  # Outcome
    stars: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)
    confirmed_by_leader: bool = Field(default=False)
    created_at: datetime = created_at_field()


class Relay(SQLModel, table=True):
    """A relayed conversation between a resident and a volunteer, tied to one task."""

    __table_args__ = (UniqueConstraint("request_id", "volunteer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    resident_id: int = Field(foreign_key="person.id")
    volunteer_id: int = Field(foreign_key="person.id")
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    ended_at: datetime | None = ts_field()


class ProofPhoto(SQLModel, table=True):
    """A photo a volunteer attached when reporting a task done: Telegram's file id (the bytes stay
    with Telegram), shown to the resident and the grid's leaders, never in a group chat."""

    __tablename__ = "proof_photo"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    volunteer_id: int = Field(foreign_key="person.id")
    file_id: str = Field(max_length=255)
    file_unique_id: str = Field(max_length=64)
    created_at: datetime = created_at_field()


class Department(SQLModel, table=True):
    """吹哨: a department or street-office contact of a community; no Telegram id = handled offline
    (the forwarding admin records its answers)."""

    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=100)
    tg_user_id: int | None = Field(default=None, sa_type=BigInteger)
    contact_name: str = Field(default="", max_length=100)
    active: bool = Field(default=True)  # removed: no new referrals go to it; its open ones stay
    created_at: datetime = created_at_field()


class Referral(SQLModel, table=True):
    """A request, or a problem found on a door visit (a meeting item), forwarded to a department with a
    reply deadline, and what was shared with it. Exactly one of request_id and issue_id is set."""

    __table_args__ = (Index("ix_referral_status_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="help_request.id", index=True)
    issue_id: int | None = Field(default=None, foreign_key="visit_issue.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    status: str = Field(default="sent", max_length=16)  # ReferralStatus
    share_address: bool = Field(default=False)
    share_phone: bool = Field(default=False)
    answer: str = Field(default="", max_length=1000)
    sent_by: int | None = Field(default=None, foreign_key="person.id")
    due_at: datetime = Field(sa_type=DateTime(timezone=True))
    created_at: datetime = created_at_field()
    decided_at: datetime | None = ts_field()  # accepted, answered or handed back
    escalated_at: datetime | None = ts_field()
