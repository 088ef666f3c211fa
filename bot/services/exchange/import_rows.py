"""What each CSV kind looks like and how one row is checked and written (see imports.py).

`check()` reads only and raises ValueError(reason); `write()` stores one checked row. Each
checker remembers what earlier rows of the same file will create, so duplicates inside the
file are caught too. Column names may be English or Chinese (docs/import.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import DomainError
from bot.services.kernel.ids import stored_id
from bot.services.kernel.inputs import clean_int, clean_line, clean_name, clean_phone
from bot.services.people import clean_availability
from bot.services.places import MAX_MEMBERS, clean_address, clean_members, clean_timezone
from storage import audit
from storage.enums import RoleKind, VolunteerStatus
from storage.models import Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile

TRUE = {"yes", "y", "true", "1", "是", "同意", "x", "✓", "√"}
FALSE = {"no", "n", "false", "0", "否", "不同意", ""}
SPLIT = re.compile(r"[;；|、,，/]+")


@dataclass(frozen=True)
class ImportVocabulary:
    """The words a file may use for a value (lower case -> code), and how a refused value is told
    (a DomainError's reason, in words): the caller's, from the catalogs (bot/views/exchange)."""

    work_groups: dict[str, str]
    skills: dict[str, str]
    care_flags: dict[str, str]
    refusal: Callable[[DomainError], str]


def _bool(field: str, value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ValueError(f"{field}: {value[:20]!r} is not yes/no (是/否)")


def _many(field: str, value: str, table: dict[str, str]) -> list[str]:
    out = []
    for part in SPLIT.split(value):
        part = part.strip().lower()
        if not part:
            continue
        if part not in table:
            raise ValueError(f"{field}: unknown value {part[:30]!r}")
        out.append(table[part])
    return list(dict.fromkeys(out))


def _tg_ids(field: str, value: str) -> list[int]:
    ids = []
    for part in SPLIT.split(value):
        if part.strip():
            if not part.strip().isdigit() or len(part.strip()) > 15:
                raise ValueError(f"{field}: {part.strip()[:20]!r} is not a numeric Telegram user id")
            ids.append(int(part.strip()))
    return ids


class Checker:
    def __init__(self, session: AsyncSession, core: Core, vocabulary: ImportVocabulary) -> None:
        self.s, self.core, self.words = session, core, vocabulary
        self._communities: dict[str, Community | None] = {}
        self._grids: dict[tuple[int, str], Grid | None] = {}
        self.seen: set[Any] = set()

    async def check(self, values: dict[str, str]) -> Any:
        raise NotImplementedError

    async def write(self, item: Any) -> None:
        raise NotImplementedError

    def clean(self, field: str, fn: Callable[[str], Any], value: str) -> Any:
        try:
            return fn(value)
        except DomainError as e:
            raise ValueError(f"{field}: {self.words.refusal(e)}") from None

    def once(self, key: Any, what: str) -> None:
        if key in self.seen:
            raise ValueError(f"{what} appears twice in this file")
        self.seen.add(key)

    async def community(self, name: str) -> Community:
        if name not in self._communities:
            self._communities[name] = (
                (await self.s.execute(select(Community).where(col(Community.name) == name))).scalars().first()
            )
        com = self._communities[name]
        if com is None:
            raise ValueError(f"community: no community called {name[:50]!r} (import communities first)")
        return com

    async def grid(self, community: str, name: str) -> Grid:
        com = await self.community(community)
        key = (stored_id(com.id), name)
        if key not in self._grids:
            self._grids[key] = (
                (await self.s.execute(select(Grid).where(col(Grid.community_id) == com.id, col(Grid.name) == name)))
                .scalars()
                .first()
            )
        grid = self._grids[key]
        if grid is None:
            raise ValueError(f"grid: {community[:50]!r} has no grid called {name[:50]!r} (import grids first)")
        return grid

    async def person(self, tg_user_id: int, name: str = "") -> Person:
        person = (await self.s.execute(select(Person).where(col(Person.tg_user_id) == tg_user_id))).scalars().first()
        if person is None:
            person = Person(tg_user_id=tg_user_id, name=name, created_at=self.core.clock.now())
            self.s.add(person)
            await self.s.flush()
        return person


class CommunityRows(Checker):
    async def check(self, values: dict[str, str]) -> tuple[str, str]:
        name = self.clean("name", lambda v: clean_line(v, max_len=100, key="places.bad_community_name"), values["name"])
        tz = self.clean(
            "timezone", lambda v: clean_timezone(v or None, self.core.cfg.bot.timezone), values.get("timezone", "")
        )
        self.once(name, f"community {name[:50]!r}")
        if await self.s.scalar(select(col(Community.id)).where(col(Community.name) == name)):
            raise ValueError(f"name: community {name[:50]!r} already exists")
        return name, tz

    async def write(self, item: tuple[str, str]) -> None:
        com = Community(name=item[0], timezone=item[1], created_at=self.core.clock.now())
        self.s.add(com)
        await self.s.flush()
        await audit.record(self.s, None, "community.create", "community", com.id, name=com.name, source="import")


class GridRows(Checker):
    async def check(self, values: dict[str, str]) -> tuple[int, str, list[int]]:
        com = await self.community(values["community"])
        name = self.clean("name", lambda v: clean_line(v, max_len=100, key="places.bad_grid_name"), values["name"])
        self.once((com.id, name), f"grid {name[:50]!r}")
        if await self.s.scalar(select(col(Grid.id)).where(col(Grid.community_id) == com.id, col(Grid.name) == name)):
            raise ValueError(f"name: {com.name[:50]!r} already has a grid called {name[:50]!r}")
        return stored_id(com.id), name, _tg_ids("leader_tg_id", values.get("leader_tg_id", ""))

    async def write(self, item: tuple[int, str, list[int]]) -> None:
        com_id, name, leaders = item
        grid = Grid(community_id=com_id, name=name, created_at=self.core.clock.now())
        self.s.add(grid)
        await self.s.flush()
        await audit.record(self.s, None, "grid.create", "grid", grid.id, name=name, source="import")
        for tg_id in leaders:
            person = await self.person(tg_id)
            self.s.add(
                RoleGrant(
                    person_id=stored_id(person.id),
                    role=RoleKind.leader.value,
                    grid_id=grid.id,
                    created_at=self.core.clock.now(),
                )
            )
            await audit.record(self.s, None, "leader.grant", "grid", grid.id, person_id=person.id, source="import")


class HouseholdRows(Checker):
    def __init__(self, session: AsyncSession, core: Core, vocabulary: ImportVocabulary) -> None:
        super().__init__(session, core, vocabulary)
        self._addresses: dict[int, set[str]] = {}
        self._volunteers: dict[tuple[int, int], Person | None] = {}

    async def check(self, values: dict[str, str]) -> dict[str, Any]:
        grid = await self.grid(values["community"], values["grid"])
        gid = stored_id(grid.id)
        address = self.clean("address", clean_address, values["address"])
        if gid not in self._addresses:
            rows = await self.s.execute(
                select(func.lower(col(Household.address))).where(
                    col(Household.grid_id) == grid.id, col(Household.erased_at).is_(None)
                )
            )
            self._addresses[gid] = set(rows.scalars())
        if address.lower() in self._addresses[gid]:
            raise ValueError(
                f"address: a household with this address is already in grid {grid.name[:50]!r}"
                " (in the database or earlier in this file)"
            )
        self._addresses[gid].add(address.lower())
        item = dict(
            grid=grid,
            address=address,
            members=self.clean("members", clean_members, values["members"]) if values.get("members") else "",
            member_count=self.clean(
                "member_count",
                lambda v: clean_int(v or "1", lo=1, hi=MAX_MEMBERS, key="households.bad_count"),
                values.get("member_count", ""),
            ),
            care_flags=_many("care_flags", values.get("care_flags", ""), self.words.care_flags),
            phone=self.clean("phone", clean_phone, values["phone"]) if values.get("phone") else None,
            note=self.clean(
                "note",
                lambda v: clean_line(v, max_len=1000, key="households.bad_note", allow_newlines=True),
                values["note"],
            )
            if values.get("note")
            else "",
        )
        item["volunteers"] = [
            await self.volunteer(tg, grid) for tg in _tg_ids("volunteer_tg_id", values.get("volunteer_tg_id", ""))
        ]
        return item

    async def volunteer(self, tg_id: int, grid: Grid) -> Person:
        key = (tg_id, stored_id(grid.id))
        if key not in self._volunteers:
            self._volunteers[key] = (
                (
                    await self.s.execute(
                        select(Person)
                        .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                        .where(
                            col(Person.tg_user_id) == tg_id,
                            col(VolunteerProfile.grid_id) == grid.id,
                            col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                        )
                    )
                )
                .scalars()
                .first()
            )
        vol = self._volunteers[key]
        if vol is None:
            raise ValueError(f"volunteer_tg_id: {tg_id} is not an approved volunteer of grid {grid.name[:50]!r}")
        return vol

    async def write(self, item: dict[str, Any]) -> None:
        grid = item["grid"]
        h = Household(
            grid_id=grid.id,
            address=item["address"],
            members=item["members"],
            member_count=item["member_count"],
            care_flags=",".join(item["care_flags"]),
            phone=item["phone"],
            note=item["note"],
            created_at=self.core.clock.now(),
        )
        self.s.add(h)
        await self.s.flush()
        await audit.record(self.s, None, "household.create", "household", h.id, grid_id=grid.id, source="import")
        for vol in item["volunteers"]:
            self.s.add(Pairing(volunteer_id=vol.id, household_id=stored_id(h.id), created_at=self.core.clock.now()))
            await audit.record(self.s, None, "pairing.create", "household", h.id, volunteer_id=vol.id, source="import")


class VolunteerRows(Checker):
    async def check(self, values: dict[str, str]) -> dict[str, Any]:
        ids = _tg_ids("tg_user_id", values["tg_user_id"])
        if len(ids) != 1:
            raise ValueError("tg_user_id: one numeric Telegram user id is needed")
        self.once(ids[0], f"tg_user_id {ids[0]}")
        if not _bool("consent", values.get("consent", "")):
            raise ValueError("consent: the volunteer's consent to the use of their data is needed (yes / 是)")
        grid = await self.grid(values["community"], values["grid"])
        existing = await self.s.scalar(
            select(col(VolunteerProfile.status))
            .join(Person, col(Person.id) == col(VolunteerProfile.person_id))
            .where(col(Person.tg_user_id) == ids[0])
        )
        if existing is not None and existing not in (VolunteerStatus.left.value, VolunteerStatus.declined.value):
            raise ValueError(f"tg_user_id: {ids[0]} already has a volunteer profile ({existing})")
        work = values.get("work_group", "").strip().lower() or "resident"
        if work not in self.words.work_groups:
            raise ValueError(f"work_group: unknown value {work[:30]!r}")
        skills = _many("skills", values.get("skills", ""), self.words.skills)
        status = values.get("status", "").strip().lower() or "approved"
        if status not in ("approved", "pending"):
            raise ValueError("status: approved or pending")
        return dict(
            tg=ids[0],
            grid=grid,
            name=self.clean("name", clean_name, values["name"]),
            phone=self.clean("phone", clean_phone, values["phone"]),
            work_group=self.words.work_groups[work],
            party=_bool("party_member", values.get("party_member", "")),
            skills=skills,
            availability=self.clean("availability", clean_availability, values["availability"])
            if values.get("availability")
            else "",
            status=status,
            shock=_bool("shock_team", values.get("shock_team", "")),
        )

    async def write(self, item: dict[str, Any]) -> None:
        now = self.core.clock.now()
        person = await self.person(item["tg"], item["name"])
        person.name, person.phone = item["name"], item["phone"]
        person.grid_id = person.grid_id or item["grid"].id
        prof = (
            (await self.s.execute(select(VolunteerProfile).where(col(VolunteerProfile.person_id) == person.id)))
            .scalars()
            .first()
        )
        prof = prof or VolunteerProfile(person_id=stored_id(person.id), grid_id=item["grid"].id, created_at=now)
        prof.grid_id, prof.status, prof.work_group = item["grid"].id, item["status"], item["work_group"]
        prof.party_member, prof.skills, prof.availability = (
            item["party"],
            ",".join(item["skills"]),
            item["availability"],
        )
        prof.shock_team = item["shock"] and item["status"] == "approved"
        prof.consent_at, prof.decided_at = now, now if item["status"] == "approved" else None
        self.s.add_all([person, prof])
        await self.s.flush()
        await audit.record(
            self.s,
            None,
            "volunteer.import",
            "volunteer",
            prof.id,
            grid_id=item["grid"].id,
            status=item["status"],
            source="import",
        )


@dataclass(frozen=True)
class Kind:
    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: dict[str, str]
    checker: type[Checker]

    def column(self, header: str) -> str | None:
        h = header.strip().lower().replace(" ", "_")
        if h in self.columns:
            return h
        return self.aliases.get(header.strip())


_COMMON = {"社区": "community", "网格": "grid", "备注": "note", "电话": "phone", "手机": "phone", "手机号": "phone"}
KINDS: dict[str, Kind] = {
    "communities": Kind(
        ("name", "timezone"),
        ("name",),
        {"名称": "name", "社区": "name", "社区名称": "name", "时区": "timezone"},
        CommunityRows,
    ),
    "grids": Kind(
        ("community", "name", "leader_tg_id"),
        ("community", "name"),
        {
            "社区": "community",
            "网格": "name",
            "名称": "name",
            "网格名称": "name",
            "网格长ID": "leader_tg_id",
            "网格长": "leader_tg_id",
        },
        GridRows,
    ),
    "households": Kind(
        ("community", "grid", "address", "members", "member_count", "care_flags", "phone", "note", "volunteer_tg_id"),
        ("community", "grid", "address"),
        {
            **_COMMON,
            "地址": "address",
            "成员": "members",
            "家庭成员": "members",
            "人数": "member_count",
            "关爱类别": "care_flags",
            "结对志愿者ID": "volunteer_tg_id",
        },
        HouseholdRows,
    ),
    "volunteers": Kind(
        (
            "tg_user_id",
            "name",
            "phone",
            "community",
            "grid",
            "work_group",
            "party_member",
            "skills",
            "availability",
            "consent",
            "status",
            "shock_team",
        ),
        ("tg_user_id", "name", "phone", "community", "grid", "consent"),
        {
            **_COMMON,
            "TelegramID": "tg_user_id",
            "姓名": "name",
            "人群类别": "work_group",
            "党员": "party_member",
            "技能": "skills",
            "空闲时间": "availability",
            "同意": "consent",
            "状态": "status",
            "突击队": "shock_team",
        },
        VolunteerRows,
    ),
}
