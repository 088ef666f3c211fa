"""Rows of volunteers: who they are, where they serve, and their consent (which a row must give)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.ids import stored_id
from bot.services.kernel.inputs import clean_name, clean_phone
from bot.services.kernel.menus import queue_menu
from bot.services.people import clean_availability
from storage import audit
from storage.enums import VolunteerStatus
from storage.models import Person, Unit, UnitCommunity, VolunteerProfile

from .import_checker import Checker, RowProblem, many, tg_ids, yes_no


class VolunteerRows(Checker):
    async def check(self, values: dict[str, str]) -> dict[str, Any]:
        ids = tg_ids("tg_user_id", values["tg_user_id"])
        if len(ids) != 1:
            raise RowProblem("import.problem.one_tg_id")
        self.once(ids[0], "tg_user_id", ids[0])
        if not yes_no("consent", values.get("consent", "")):
            raise RowProblem("import.problem.consent")
        grid = await self.grid(values["community"], values["grid"])
        existing = await self.s.scalar(
            select(col(VolunteerProfile.status))
            .join(Person, col(Person.id) == col(VolunteerProfile.person_id))
            .where(col(Person.tg_user_id) == ids[0])
        )
        if existing is not None and existing not in (VolunteerStatus.left.value, VolunteerStatus.declined.value):
            raise RowProblem("import.problem.has_profile", tg_id=ids[0], status=existing)
        work = values.get("work_group", "").strip().lower() or "resident"
        if work not in self.words.work_groups:
            raise RowProblem("import.problem.unknown_value", field="work_group", value=work[:30])
        skills = many("skills", values.get("skills", ""), self.words.skills)
        unit = await self._unit(values.get("unit", "").strip(), grid.community_id)
        status = values.get("status", "").strip().lower() or "approved"
        if status not in ("approved", "pending"):
            raise RowProblem("import.problem.status")
        return dict(
            tg=ids[0],
            grid=grid,
            name=self.clean("name", clean_name, values["name"]),
            phone=self.clean("phone", clean_phone, values["phone"]),
            work_group=self.words.work_groups[work],
            party=yes_no("party_member", values.get("party_member", "")),
            skills=skills,
            availability=self.clean("availability", clean_availability, values["availability"])
            if values.get("availability")
            else "",
            status=status,
            shock=yes_no("shock_team", values.get("shock_team", "")),
            unit=unit,
        )

    async def _unit(self, name: str, community_id: int | None) -> int | None:
        """The work unit (包联单位) named, which must be paired with the volunteer's community."""
        if not name:
            return None
        found = await self.s.scalar(
            select(col(Unit.id))
            .join(UnitCommunity, col(UnitCommunity.unit_id) == col(Unit.id))
            .where(col(Unit.name) == name, col(UnitCommunity.community_id) == community_id)
        )
        if found is None:
            raise RowProblem("import.problem.unknown_unit", name=name[:40])
        return int(found)

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
        prof.unit_id = item["unit"]
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
        if item["status"] == VolunteerStatus.approved.value:
            await queue_menu(self.core.notifier, self.s, person)
