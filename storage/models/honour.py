"""好人榜: volunteers who asked to be left off the monthly honour list."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from ._base import created_at_field


class HonourOptOut(SQLModel, table=True):
    """Left off every honour list (not shown as anonymous: not shown at all) until they opt back in."""

    __tablename__ = "honour_opt_out"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    opted_out_at: datetime = created_at_field()
