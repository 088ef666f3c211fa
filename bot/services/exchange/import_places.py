"""Rows of communities, grids and households: checked against the file and the database, then written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.buildings import building_named, clean_building_name
from bot.services.kernel.core import Core
from bot.services.kernel.ids import stored_id
from bot.services.kernel.inputs import clean_int, clean_line, clean_phone
from bot.services.kernel.menus import queue_menu
from bot.services.places import MAX_MEMBERS, clean_address, clean_members, clean_timezone
from storage import audit
from storage.enums import RoleKind, VolunteerStatus
from storage.models import Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile

from .import_checker import Checker, ImportVocabulary, RowProblem, many, tg_ids


class CommunityRows(Checker):
    async def check(self, values: dict[str, str]) -> tuple[str, str]:
        name = self.clean("name", lambda v: clean_line(v, max_len=100, key="places.bad_community_name"), values["name"])
        tz = self.clean(
            "timezone", lambda v: clean_timezone(v or None, self.core.cfg.bot.timezone), values.get("timezone", "")
        )
        self.once(name, "name", name)
        if await self.s.scalar(select(col(Community.id)).where(col(Community.name) == name)):
            raise RowProblem("import.problem.community_exists", name=name[:50])
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
        self.once((com.id, name), "name", name)
        if await self.s.scalar(select(col(Grid.id)).where(col(Grid.community_id) == com.id, col(Grid.name) == name)):
            raise RowProblem("import.problem.grid_exists", community=com.name[:50], name=name[:50])
        return stored_id(com.id), name, tg_ids("leader_tg_id", values.get("leader_tg_id", ""))

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
            await queue_menu(self.core.notifier, self.s, person)


class HouseholdRows(Checker):
    def __init__(self, session: AsyncSession, core: Core, vocabulary: ImportVocabulary) -> None:
        super().__init__(session, core, vocabulary)
        self._addresses: dict[int, set[str]] = {}
        self._volunteers: dict[tuple[int, int], Person | None] = {}

    async def check(self, values: dict[str, str]) -> dict[str, Any]:
        if values.get("household"):
            return await self.existing(values)
        for needed in ("community", "grid", "address"):  # a new household (an export's file may lack them)
            if needed not in values:
                raise RowProblem("import.problem.new_needs", column=needed)
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
            raise RowProblem("import.problem.address_exists", grid=grid.name[:50])
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
            building=self.clean("building", clean_building_name, values["building"])
            if values.get("building")
            else None,
            care_flags=many("care_flags", values.get("care_flags", ""), self.words.care_flags),
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
            await self.volunteer(tg, grid) for tg in tg_ids("volunteer_tg_id", values.get("volunteer_tg_id", ""))
        ]
        return item

    async def existing(self, values: dict[str, str]) -> dict[str, Any]:
        """A row naming a household by number (`#12`, as the export writes it): an exported file,
        edited and read back. It puts the household into the row's building (empty: none), when the
        file has the column; its other cells are the export's and change nothing."""
        ref = values["household"].strip().lstrip("#")
        if not ref.isdigit() or len(ref) > 12:
            raise RowProblem("import.problem.not_household", value=values["household"][:20])
        h = await self.s.get(Household, int(ref))
        if h is None or h.erased_at is not None:
            raise RowProblem("import.problem.no_household", id=int(ref))
        grid = await self.s.get(Grid, h.grid_id)
        assert grid is not None
        named = values.get("grid", "").strip()
        if values.get("community"):
            if stored_id((await self.grid(values["community"], named)).id) != h.grid_id:
                raise RowProblem("import.problem.household_elsewhere", id=int(ref), grid=named[:50])
        elif named and named != grid.name and not named.endswith(f" / {grid.name}"):
            raise RowProblem("import.problem.household_elsewhere", id=int(ref), grid=named[:50])
        self.once(("household", h.id), "household", f"#{h.id}")
        building = None
        if values.get("building"):
            building = self.clean("building", clean_building_name, values["building"])
        return dict(existing=h, grid=grid, building=building, move="building" in values)

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
            raise RowProblem("import.problem.not_volunteer", tg_id=tg_id, grid=grid.name[:50])
        return vol

    async def write(self, item: dict[str, Any]) -> bool | None:
        grid = item["grid"]
        if "existing" in item:
            return await self.move(item)
        building_id = None
        if item["building"]:  # 楼栋: made in the household's grid the first time a row names it
            building_id = await building_named(
                self.s, stored_id(grid.id), item["building"], create=True, now=self.core.clock.now()
            )
        h = Household(
            grid_id=grid.id,
            building_id=building_id,
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
        return None

    async def move(self, item: dict[str, Any]) -> bool:
        """An existing household into the row's building (made the first time a row names it)."""
        h: Household = item["existing"]
        if item["move"]:
            building_id = None
            if item["building"]:
                building_id = await building_named(
                    self.s, h.grid_id, item["building"], create=True, now=self.core.clock.now()
                )
            if h.building_id != building_id:
                h.building_id = building_id
                self.s.add(h)
                await audit.record(
                    self.s, None, "household.building", "household", h.id, building_id=building_id, source="import"
                )
        return False
