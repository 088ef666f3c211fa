"""Care plans for special households: an agreed recurring service (a weekly blood-pressure check for
an elder living alone, a weekly call to a left-behind child) and each of its occurrences."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class CarePlan(SQLModel, table=True):
    """What, how often (weekly on `weekday`, or every `every_days` days from `starts_on`) and who
    (a volunteer, or None: the household's paired volunteer on each day)."""

    __tablename__ = "care_plan"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    what: str = Field(max_length=200)
    weekday: int | None = Field(default=None)  # 0 Monday .. 6 Sunday
    every_days: int | None = Field(default=None)
    starts_on: str = Field(max_length=10)  # ISO date, the community's calendar
    volunteer_id: int | None = Field(default=None, foreign_key="person.id")
    created_by: int | None = Field(default=None, foreign_key="person.id")
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    ended_at: datetime | None = ts_field()
    paused_at: datetime | None = ts_field()  # paused (in hospital, away): no tasks until resumed


class CareTask(SQLModel, table=True):
    """One occurrence of a plan, on its day: made once (plan, day), whatever restarts."""

    __tablename__ = "care_task"
    __table_args__ = (UniqueConstraint("plan_id", "due_on"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="care_plan.id", index=True)
    household_id: int = Field(foreign_key="household.id")
    grid_id: int = Field(foreign_key="grid.id", index=True)
    due_on: str = Field(max_length=10, index=True)  # ISO date, the community's calendar
    volunteer_id: int | None = Field(default=None, foreign_key="person.id")
    status: str = Field(default="due", max_length=16)  # CareStatus
    done_at: datetime | None = ts_field()
    done_by: int | None = Field(default=None, foreign_key="person.id")
    note: str | None = Field(default=None, max_length=200)  # the volunteer's word on "done"
    missed_at: datetime | None = ts_field()
    created_at: datetime = created_at_field()
