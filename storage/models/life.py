"""Community life: door visits (周五入户), events, emergencies, the points ledger."""

from datetime import datetime

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class DoorVisit(SQLModel, table=True):
    __tablename__ = "door_visit"
    __table_args__ = (
        UniqueConstraint("household_id", "volunteer_id", "week"),
        Index("ix_door_visit_household_created", "household_id", "created_at"),
        Index("ix_door_visit_week", "week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id")
    volunteer_id: int = Field(foreign_key="person.id", index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    week: str = Field(max_length=8)  # ISO week, e.g. 2026-W47
    outcome: str = Field(max_length=16)  # VisitOutcome
    note: str = Field(default="", max_length=1000)
    red_flags: str = Field(default="", max_length=100)  # comma-separated RedFlag values
    request_id: int | None = Field(default=None, foreign_key="help_request.id")
    created_at: datetime = created_at_field()


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    kind: str = Field(default="event", max_length=16)  # EventKind
    title: str = Field(max_length=200)
    place: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    slots: int = Field(default=10, ge=1)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    cancelled: bool = Field(default=False)
    created_at: datetime = created_at_field()


class EventSignup(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "volunteer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    volunteer_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(default="signed", max_length=16)  # SignupStatus
    created_at: datetime = created_at_field()


class Emergency(SQLModel, table=True):
    """平急转换: a community or one grid in emergency mode."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    reason: str = Field(max_length=300)
    target: int = Field(default=10, ge=1)
    started_by: int | None = Field(default=None, foreign_key="person.id")
    started_at: datetime = created_at_field()
    ended_at: datetime | None = ts_field()


class DutyResponse(SQLModel, table=True):
    __tablename__ = "duty_response"
    __table_args__ = (UniqueConstraint("emergency_id", "volunteer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    emergency_id: int = Field(foreign_key="emergency.id", index=True)
    volunteer_id: int = Field(foreign_key="person.id")
    answer: str = Field(max_length=16)  # DutyAnswer
    answered_at: datetime = created_at_field()


class PointsEntry(SQLModel, table=True):
    """Append-only ledger; `ref` makes every award happen at most once."""

    __tablename__ = "points_entry"
    __table_args__ = (Index("ix_points_grid_created", "grid_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=100, unique=True)  # e.g. task:42:7, visit:2026-W47:9:3
    person_id: int = Field(foreign_key="person.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    reason: str = Field(max_length=16)  # PointsReason
    points: int = Field(default=0)
    hours: float = Field(default=0.0)
    created_at: datetime = created_at_field()
