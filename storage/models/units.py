"""Paired work units (包联单位, 共建单位): a unit, the communities it is paired with, and its claims."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class Unit(SQLModel, table=True):
    """An employer whose members serve where they live and report back to it (双报到双报告)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    contact_id: int | None = Field(default=None, foreign_key="person.id", index=True)  # its Telegram contact
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()


class UnitCommunity(SQLModel, table=True):
    """A unit paired with a community (包联): its members may sign up there, it claims work there."""

    __tablename__ = "unit_community"
    __table_args__ = (UniqueConstraint("unit_id", "community_id"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    created_at: datetime = created_at_field()


class UnitClaim(SQLModel, table=True):
    """A unit holds one slot of a request; its contact assigns members to it (their assignments
    carry unit_claim_id and take no slot of their own)."""

    __tablename__ = "unit_claim"
    __table_args__ = (
        # one live claim per unit and request
        Index(
            "uq_unit_claim_live",
            "request_id",
            "unit_id",
            unique=True,
            sqlite_where=text("status = 'live'"),
            postgresql_where=text("status = 'live'"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    claimed_by: int | None = Field(default=None, foreign_key="person.id")
    status: str = Field(default="live", max_length=16)  # live | released | ended
    created_at: datetime = created_at_field()
    ended_at: datetime | None = ts_field()
