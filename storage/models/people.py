"""Who is who: people, their roles, volunteer profiles."""

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at_field, ts_field


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    tg_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    name: str = Field(default="", max_length=100)
    username: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    language: str | None = Field(default=None, max_length=16)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)  # where they live
    is_superadmin: bool = Field(default=False)  # first admins: config or `redvest admin add`
    blocked_bot: bool = Field(default=False)
    created_at: datetime = created_at_field()
    forgotten_at: datetime | None = ts_field()


class RoleGrant(SQLModel, table=True):
    """A leader of a grid, or an admin of a community."""

    __table_args__ = (UniqueConstraint("person_id", "role", "grid_id", "community_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=16)  # RoleKind
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    granted_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = created_at_field()


class VolunteerProfile(SQLModel, table=True):
    """双报到: a volunteer registered with the grid they live in."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    status: str = Field(default="pending", max_length=16, index=True)  # VolunteerStatus
    work_group: str = Field(default="resident", max_length=32)  # WorkGroup
    party_member: bool = Field(default=False)
    skills: str = Field(default="", max_length=300)  # comma-separated Skill values
    availability: str = Field(default="", max_length=300)
    shock_team: bool = Field(default=False)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # their work unit (双报告)
    consent_at: datetime | None = ts_field()
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = ts_field()
    created_at: datetime = created_at_field()
