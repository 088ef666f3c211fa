"""A seeded demo community for the sandbox (wording from the programmes we serve)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from storage.db import Database
from storage.enums import ChatKind, RoleKind, VolunteerStatus
from storage.models import ChatBinding, Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile
from storage.models._base import utcnow
from storage.rows import key_of


@dataclass(frozen=True)
class DemoPerson:
    tg_user_id: int
    name: str
    language: str  # Telegram language code
    role: str  # admin | leader | volunteer | resident
    grid: int  # index into GRIDS


GRIDS = ["滨江第一网格", "滨江第二网格", "滨江第三网格"]
PEOPLE = [
    DemoPerson(900001, "周书记 (admin)", "zh-hans", "admin", 0),
    DemoPerson(900101, "李网格长 (leader 1)", "zh-hans", "leader", 0),
    DemoPerson(900102, "Grace (leader 2)", "en", "leader", 1),
    DemoPerson(900201, "张志愿 (volunteer)", "zh-hans", "volunteer", 0),
    DemoPerson(900202, "王志愿 (volunteer)", "zh-hans", "volunteer", 0),
    DemoPerson(900203, "Tom (volunteer)", "en", "volunteer", 0),
    DemoPerson(900204, "陈骑手 (courier volunteer)", "zh-hans", "volunteer", 1),
    DemoPerson(900301, "王奶奶 (resident)", "zh-hans", "resident", 0),
    DemoPerson(900302, "Alice (resident)", "en", "resident", 0),
    DemoPerson(900303, "刘大爷 (resident)", "zh-hans", "resident", 1),
]
HOUSEHOLDS = [
    (0, "滨江路 12 号 3 栋 401", "王奶奶（82 岁）", "elderly_alone"),
    (0, "滨江路 12 号 5 栋 102", "刘爷爷、刘奶奶", "elderly_alone"),
    (0, "滨江路 14 号 1 栋 603", "小明（9 岁）与奶奶", "left_behind_children"),
    (1, "江畔小区 2 栋 201", "赵叔叔（轮椅）", "disability"),
]
VOLUNTEER_GROUP_IDS = [-100001, -100002, -100003]
RESIDENT_GROUP_IDS = [-200001, -200002, -200003]


async def seed_demo(db: Database) -> bool:
    """Create the demo community unless it exists; True when it was created."""
    async with db.session() as s:
        if (await s.execute(select(Community).where(col(Community.name) == "滨江社区"))).scalars().first():
            return False
        com = Community(name="滨江社区", timezone="Asia/Shanghai")
        s.add(com)
        await s.flush()
        grids = []
        for name in GRIDS:
            g = Grid(community_id=key_of(com), name=name)
            s.add(g)
            grids.append(g)
        await s.flush()
        people: dict[int, Person] = {}
        for d in PEOPLE:
            p = Person(
                tg_user_id=d.tg_user_id, name=d.name, language=d.language, grid_id=grids[d.grid].id, is_superadmin=False
            )
            s.add(p)
            await s.flush()
            people[d.tg_user_id] = p
            if d.role == "admin":
                s.add(RoleGrant(person_id=key_of(p), role=RoleKind.admin.value, community_id=key_of(com)))
            elif d.role == "leader":
                s.add(RoleGrant(person_id=key_of(p), role=RoleKind.leader.value, grid_id=grids[d.grid].id))
            elif d.role == "volunteer":
                s.add(
                    VolunteerProfile(
                        person_id=key_of(p),
                        grid_id=key_of(grids[d.grid]),
                        status=VolunteerStatus.approved.value,
                        work_group="party_in_service",
                        party_member=True,
                        skills="elder_care,repairs",
                        availability="周末",
                        shock_team=True,
                        consent_at=utcnow(),
                    )
                )
        for i, g in enumerate(grids):
            s.add(
                ChatBinding(
                    chat_id=VOLUNTEER_GROUP_IDS[i],
                    grid_id=key_of(g),
                    kind=ChatKind.volunteers.value,
                    title=f"{g.name} 志愿者群",
                )
            )
            s.add(
                ChatBinding(
                    chat_id=RESIDENT_GROUP_IDS[i],
                    grid_id=key_of(g),
                    kind=ChatKind.residents.value,
                    title=f"{g.name} 居民群",
                )
            )
        volunteers = [people[d.tg_user_id] for d in PEOPLE if d.role == "volunteer" and d.grid == 0]
        for n, (gi, address, members, flags) in enumerate(HOUSEHOLDS):
            h = Household(grid_id=key_of(grids[gi]), address=address, members=members, care_flags=flags)
            s.add(h)
            await s.flush()
            if gi == 0:
                s.add(Pairing(volunteer_id=key_of(volunteers[n % len(volunteers)]), household_id=key_of(h)))
    return True


def sandbox_groups() -> list[tuple[int, str, list[int]]]:
    """(chat id, title, member ids) of the demo's groups, for the sandbox."""
    out = []
    for i, name in enumerate(GRIDS):
        vols = [d.tg_user_id for d in PEOPLE if d.grid == i and d.role in ("volunteer", "leader", "admin")]
        res = [d.tg_user_id for d in PEOPLE if d.grid == i and d.role in ("resident", "leader")]
        out.append((VOLUNTEER_GROUP_IDS[i], f"{name} 志愿者群", vols + [900001]))
        out.append((RESIDENT_GROUP_IDS[i], f"{name} 居民群", res))
    return out
