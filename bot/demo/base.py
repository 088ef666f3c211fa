"""The demo community's standing rows: the community, its grids, people and their roles, group
chats, households and pairings, as if set up `since` (weeks before the history starts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from storage.db import Database
from storage.enums import ChatKind, RoleKind, VolunteerStatus
from storage.models import ChatBinding, Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile
from storage.rows import key_of

from .cast import COMMUNITY, GRIDS, HOUSEHOLDS, PEOPLE, RESIDENT_GROUP_IDS, TIMEZONE, VOLUNTEER_GROUP_IDS


async def community_id(db: Database) -> int | None:
    async with db.reading() as s:
        found = (await s.execute(select(col(Community.id)).where(col(Community.name) == COMMUNITY))).first()
    return found[0] if found else None


async def seed_base(db: Database, since: datetime) -> bool:
    """Create the community and its people unless it exists (one transaction); True when created."""
    async with db.session() as s:
        if (await s.execute(select(col(Community.id)).where(col(Community.name) == COMMUNITY))).first():
            return False
        com = Community(name=COMMUNITY, timezone=TIMEZONE, created_at=since)
        s.add(com)
        await s.flush()
        grids = [Grid(community_id=key_of(com), name=name, created_at=since) for name in GRIDS]
        s.add_all(grids)
        await s.flush()
        people: dict[int, Person] = {}
        for d in PEOPLE:
            if d.role == "applicant":
                continue  # they apply through the bot (the history does it)
            home = grids[d.grid] if d.grid is not None else None  # a unit's contact lives in none
            p = Person(
                tg_user_id=d.tg_user_id,
                name=d.name,
                language=d.language,
                grid_id=home.id if home is not None else None,
                is_superadmin=False,
                created_at=since,
            )
            s.add(p)
            await s.flush()
            people[d.tg_user_id] = p
            if d.role == "admin":
                s.add(RoleGrant(person_id=key_of(p), role=RoleKind.admin.value, community_id=key_of(com)))
            elif d.role == "leader" and home is not None:
                s.add(RoleGrant(person_id=key_of(p), role=RoleKind.leader.value, grid_id=home.id))
            elif d.role == "volunteer" and home is not None:
                s.add(
                    VolunteerProfile(
                        person_id=key_of(p),
                        grid_id=key_of(home),
                        status=VolunteerStatus.approved.value,
                        work_group="party_in_service",
                        party_member=True,
                        skills="elder_care,repairs",
                        availability="周末",
                        shock_team=True,
                        consent_at=since,
                        decided_at=since,
                        created_at=since,
                    )
                )
        for i, g in enumerate(grids):
            for chat_id, kind, what in (
                (VOLUNTEER_GROUP_IDS[i], ChatKind.volunteers, "志愿者群"),
                (RESIDENT_GROUP_IDS[i], ChatKind.residents, "居民群"),
            ):
                s.add(
                    ChatBinding(
                        chat_id=chat_id, grid_id=key_of(g), kind=kind.value, title=f"{g.name} {what}", created_at=since
                    )
                )
        for gi, address, members, flags, volunteer in HOUSEHOLDS:
            h = Household(
                grid_id=key_of(grids[gi]), address=address, members=members, care_flags=flags, created_at=since
            )
            s.add(h)
            await s.flush()
            s.add(Pairing(volunteer_id=key_of(people[volunteer.tg_user_id]), household_id=key_of(h), created_at=since))
    return True
