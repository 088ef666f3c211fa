"""Pairings of volunteers with households (党员中心户: one volunteer, several households of their grid).

A leader of the grid pairs and unpairs; only approved volunteers may be paired, and only with
households of their own grid.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotFound
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, approved_volunteer
from bot.services.places.households import leading
from bot.services.places.notices import HouseholdsPaired
from storage import audit
from storage.enums import VolunteerStatus
from storage.models import Grid, Household, Pairing, Person, VolunteerProfile
from storage.rows import key_of


async def pairable_volunteers(core: Core, actor: Actor, grid_id: int) -> tuple[Grid, list[tuple[Person, int]]]:
    """Approved volunteers of the grid with how many households each looks after now."""
    async with core.db.session() as s:
        _, grid = await leading(s, actor, grid_id)
        count = (
            select(func.count())
            .select_from(Pairing)
            .where(col(Pairing.volunteer_id) == col(Person.id), col(Pairing.active) == True)  # noqa: E712
            .scalar_subquery()
        )
        stmt = (
            select(Person, count)
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .where(
                col(VolunteerProfile.grid_id) == grid_id, col(VolunteerProfile.status) == VolunteerStatus.approved.value
            )
        )
        return grid, natural(
            ((p, n) for p, n in (await s.execute(stmt)).all()), lambda pn: pn[0].name, lambda pn: pn[0].id
        )


async def _pairable(session: AsyncSession, actor: Actor, volunteer_id: int) -> tuple[Person, Grid, Person]:
    """The volunteer must be approved; the actor must lead the volunteer's grid."""
    vol = await session.get(Person, volunteer_id)
    prof = await approved_volunteer(session, vol) if vol else None
    if vol is None or prof is None:
        raise Conflict("households.volunteer_not_approved")
    me, grid = await leading(session, actor, prof.grid_id)
    return me, grid, vol


async def pair(core: Core, actor: Actor, volunteer_id: int, household_ids: list[int]) -> list[Pairing]:
    """Pair one approved volunteer with households of their own grid; ones already paired stay as they are."""
    if not household_ids:
        raise InvalidInput("households.choose_some")
    async with core.db.session() as s:
        me, grid, vol = await _pairable(s, actor, volunteer_id)
        grid_id = grid.id
        made: list[Pairing] = []
        for hid in sorted(set(household_ids)):
            h = await s.get(Household, hid)
            if h is None or h.erased_at is not None or h.grid_id != grid_id:
                raise Conflict("households.household_not_in_grid", grid=grid.name)
            p = (
                (
                    await s.execute(
                        select(Pairing).where(col(Pairing.volunteer_id) == vol.id, col(Pairing.household_id) == hid)
                    )
                )
                .scalars()
                .first()
            )
            if p is not None and p.active:
                continue
            p = p or Pairing(volunteer_id=key_of(vol), household_id=hid)
            p.active, p.created_at = True, core.clock.now()
            s.add(p)
            made.append(p)
        await s.flush()
        for p in made:
            await audit.record(
                s,
                me.id,
                "pairing.create",
                "pairing",
                p.id,
                grid_id=grid_id,
                volunteer_id=vol.id,
                household_id=p.household_id,
            )
        if made and vol.tg_user_id is not None:
            stamp = f"{core.clock.now().timestamp():.3f}"
            await core.notifier.send(
                s,
                f"paired:{vol.id}:{','.join(str(p.id) for p in made)}:{stamp}",
                HouseholdsPaired(chat_id=vol.tg_user_id, language=vol.language, count=len(made), grid=grid.name),
            )
        return made


async def pairings_of(core: Core, actor: Actor, volunteer_id: int, grid_id: int) -> list[tuple[Pairing, Household]]:
    async with core.db.session() as s:
        await leading(s, actor, grid_id)
        stmt = (
            select(Pairing, Household)
            .join(Household, col(Household.id) == col(Pairing.household_id))
            .where(
                col(Pairing.volunteer_id) == volunteer_id,
                col(Pairing.active) == True,  # noqa: E712
                col(Household.grid_id) == grid_id,
            )
        )
        return natural(
            ((p, h) for p, h in (await s.execute(stmt)).all()), lambda ph: ph[1].address, lambda ph: ph[1].id
        )


async def unpair(core: Core, actor: Actor, pairing_id: int) -> tuple[Pairing, Household]:
    async with core.db.session() as s:
        p = await s.get(Pairing, pairing_id)
        h = await s.get(Household, p.household_id) if p else None
        if p is None or h is None:
            raise NotFound("households.pairing_not_found")
        me, _ = await leading(s, actor, h.grid_id)
        if not p.active:
            raise Conflict("households.already_unpaired")
        p.active = False
        s.add(p)
        await audit.record(
            s, me.id, "pairing.end", "pairing", p.id, grid_id=h.grid_id, volunteer_id=p.volunteer_id, household_id=h.id
        )
        return p, h


async def paired_names(session: AsyncSession, household_ids: list[int]) -> dict[int, list[str]]:
    """Each household's paired volunteers' names, in the order they were paired (for lists and sheets)."""
    out: dict[int, list[str]] = {}
    if household_ids:
        rows = await session.execute(
            select(col(Pairing.household_id), col(Person.name))
            .join(Person, col(Person.id) == col(Pairing.volunteer_id))
            .where(col(Pairing.household_id).in_(household_ids), col(Pairing.active) == True)  # noqa: E712
            .order_by(col(Pairing.id))
        )
        for hid, name in rows.all():
            out.setdefault(hid, []).append(name)
    return out


async def paired_volunteers(s: AsyncSession, household_id: int) -> list[Person]:
    """The household's approved paired volunteers, first paired first (who is asked to call, tell or
    do something for it: a care plan's occurrence, a closed meeting item)."""
    return list(
        (
            await s.execute(
                select(Person)
                .join(Pairing, col(Pairing.volunteer_id) == col(Person.id))
                .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                .where(
                    col(Pairing.household_id) == household_id,
                    col(Pairing.active) == True,  # noqa: E712
                    col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                )
                .order_by(col(Pairing.id))
            )
        ).scalars()
    )
