"""Follow-through on door visits: the weekly meeting's list of problems found on visits (民情速办)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class VisitIssue(SQLModel, table=True):
    """A problem recorded on a door visit: who owns it, what was decided, when to follow up, and
    whether the household was told the outcome."""

    __tablename__ = "visit_issue"
    __table_args__ = (Index("ix_visit_issue_grid_status", "grid_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="door_visit.id", unique=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    grid_id: int = Field(foreign_key="grid.id")
    status: str = Field(default="open", max_length=16)  # IssueStatus
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    decision: str = Field(default="", max_length=1000)
    follow_up: str | None = Field(default=None, max_length=10)  # ISO date, the community's calendar
    created_at: datetime = created_at_field()
    updated_at: datetime | None = ts_field()
    closed_at: datetime | None = ts_field()
    closed_by: int | None = Field(default=None, foreign_key="person.id")
    tell_by: int | None = Field(default=None, foreign_key="person.id")  # asked to tell the household
    told_at: datetime | None = ts_field()
