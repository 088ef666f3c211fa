"""Service certificates (志愿服务证明) as issued: each number once, with what it certified."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ._base import created_at_field


class Certificate(SQLModel, table=True):
    """A certificate of a volunteer's confirmed service over a period. The figures are those of the
    points ledger when it was issued, kept here so an office can check a printed number against them."""

    __table_args__ = (Index("ix_certificate_person_period", "person_id", "period_start", "period_end"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=32, unique=True)  # set from the id once it is known
    person_id: int = Field(foreign_key="person.id")
    community_id: int = Field(foreign_key="community.id")
    period_start: str = Field(max_length=10)  # ISO date, in the community's time zone
    period_end: str = Field(max_length=10)  # ISO date, included
    hours: float = Field(default=0.0)
    points: int = Field(default=0)
    tasks: int = Field(default=0)
    issued_on: str = Field(max_length=10)  # ISO date, in the community's time zone
    issued_by: int | None = Field(default=None, foreign_key="person.id")  # the volunteer, or the office's viewer
    created_at: datetime = created_at_field()
