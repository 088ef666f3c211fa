"""Quick ways to put people and places into a test database (no Telegram involved)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.db import Database
from storage.enums import ChatKind, RoleKind, VolunteerStatus
from storage.models import ChatBinding, Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile


async def community(db: Database, name: str = "幸福里社区", tz: str = "Asia/Shanghai") -> Community:
    async with db.session() as s:
        c = Community(name=name, timezone=tz)
        s.add(c)
        await s.flush()
        return c


async def grid(db: Database, community_id: int, name: str = "第一网格") -> Grid:
    async with db.session() as s:
        g = Grid(community_id=community_id, name=name)
        s.add(g)
        await s.flush()
        return g


async def person(
    db: Database,
    tg_user_id: int | None,
    name: str = "",
    *,
    grid_id: int | None = None,
    superadmin: bool = False,
    language: str | None = "zh-hans",
    phone: str | None = None,
) -> Person:
    async with db.session() as s:
        p = Person(
            tg_user_id=tg_user_id, name=name, grid_id=grid_id, is_superadmin=superadmin, language=language, phone=phone
        )
        s.add(p)
        await s.flush()
        return p


async def leader(db: Database, person_id: int, grid_id: int) -> None:
    async with db.session() as s:
        s.add(RoleGrant(person_id=person_id, role=RoleKind.leader.value, grid_id=grid_id))


async def community_admin(db: Database, person_id: int, community_id: int) -> None:
    async with db.session() as s:
        s.add(RoleGrant(person_id=person_id, role=RoleKind.admin.value, community_id=community_id))


async def volunteer(
    db: Database,
    person_id: int,
    grid_id: int,
    *,
    status: VolunteerStatus = VolunteerStatus.approved,
    skills: str = "elder_care,repairs",
    shock_team: bool = False,
) -> VolunteerProfile:
    async with db.session() as s:
        v = VolunteerProfile(
            person_id=person_id,
            grid_id=grid_id,
            status=status.value,
            skills=skills,
            shock_team=shock_team,
            consent_at=datetime.now(UTC),
        )
        s.add(v)
        await s.flush()
        return v


async def bind(db: Database, chat_id: int, grid_id: int, kind: ChatKind = ChatKind.volunteers) -> None:
    async with db.session() as s:
        s.add(ChatBinding(chat_id=chat_id, grid_id=grid_id, kind=kind.value, title="group"))


async def household(
    db: Database,
    grid_id: int,
    address: str = "幸福里 3 栋 2 单元 401",
    *,
    care_flags: str = "elderly_alone",
    members: str = "王奶奶",
) -> Household:
    async with db.session() as s:
        h = Household(grid_id=grid_id, address=address, care_flags=care_flags, members=members)
        s.add(h)
        await s.flush()
        return h


async def pair(db: Database, volunteer_person_id: int, household_id: int) -> None:
    async with db.session() as s:
        s.add(Pairing(volunteer_id=volunteer_person_id, household_id=household_id))
