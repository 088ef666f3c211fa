"""Where things happen: communities, grids, bound group chats, households, pairings."""

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class Community(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    created_at: datetime = created_at_field()


class Grid(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime = created_at_field()


class ChatBinding(SQLModel, table=True):
    """A Telegram group bound to a grid as its volunteer or residents group."""

    __table_args__ = (UniqueConstraint("grid_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, unique=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    kind: str = Field(max_length=16)  # ChatKind
    title: str = Field(default="", max_length=255)
    invite_link: str | None = Field(default=None, max_length=255)
    bound_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()


class Building(SQLModel, table=True):
    """楼栋: a building of a grid (e.g. "3栋"); grids without buildings have none."""

    __table_args__ = (UniqueConstraint("grid_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    name: str = Field(max_length=50)
    created_at: datetime = created_at_field()


class BuildingHead(SQLModel, table=True):
    """楼栋长 / 党员中心户: a person who looks after the households of one building."""

    __table_args__ = (UniqueConstraint("building_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    granted_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()


class Household(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    building_id: int | None = Field(default=None, foreign_key="building.id", index=True)
    address: str = Field(max_length=255)
    members: str = Field(default="", max_length=500)
    member_count: int = Field(default=1)
    care_flags: str = Field(default="", max_length=200)  # comma-separated CareFlag values
    phone: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", max_length=1000)
    created_at: datetime = created_at_field()
    erased_at: datetime | None = ts_field()


class Pairing(SQLModel, table=True):
    """One volunteer looks after several households (党员中心户)."""

    __table_args__ = (UniqueConstraint("volunteer_id", "household_id"),)
    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(foreign_key="person.id", index=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
