"""Paired units (包联单位, 共建单位): an admin names a unit and its contact on Telegram, and pairs it with
the communities they administer; the units a volunteer of a community may choose."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of, is_any_admin
from bot.services.kernel.text import clean_line
from bot.services.places import administered_communities, find_person
from storage import audit
from storage.enums import VolunteerStatus
from storage.models import Community, Grid, Person, Unit, UnitCommunity, VolunteerProfile
from storage.rows import key_of

from .notices import UnitContactNamed

LIVE_MEMBERS = (VolunteerStatus.approved.value, VolunteerStatus.pending.value, VolunteerStatus.suspended.value)


@dataclass(frozen=True)
class UnitSummary:
    """A unit as an admin sees it in /units: its contact, paired communities and members."""

    id: int
    name: str
    contact: str | None  # the contact's name
    communities: list[tuple[int, str, bool]] = field(default_factory=list)  # (id, name, paired) of the admin's
    members: int = 0
    created: bool = False  # just created (not an update of an existing unit's contact)


def clean_unit_name(text: str | None) -> str:
    return clean_line(text, max_len=100, key="units.bad_name")


async def _may_manage(session: AsyncSession, me: Person, unit: Unit) -> bool:
    """Superadmins, whoever created it, and admins of a community it is paired with."""
    if me.is_superadmin or unit.created_by == me.id:
        return True
    paired = (
        await session.execute(select(col(UnitCommunity.community_id)).where(col(UnitCommunity.unit_id) == unit.id))
    ).scalars()
    for community_id in paired:
        if await is_admin_of(session, me, community_id):
            return True
    return False


async def _summary(session: AsyncSession, unit: Unit, mine: list[Community], *, created: bool = False) -> UnitSummary:
    contact = await session.get(Person, unit.contact_id) if unit.contact_id is not None else None
    paired = set(
        (
            await session.execute(select(col(UnitCommunity.community_id)).where(col(UnitCommunity.unit_id) == unit.id))
        ).scalars()
    )
    members = await session.scalar(
        select(func.count())
        .select_from(VolunteerProfile)
        .where(col(VolunteerProfile.unit_id) == unit.id, col(VolunteerProfile.status).in_(LIVE_MEMBERS))
    )
    return UnitSummary(
        key_of(unit),
        unit.name,
        contact.name if contact is not None else None,
        [(key_of(c), c.name, c.id in paired) for c in mine],
        int(members or 0),
        created,
    )


async def save_unit(core: Core, actor: Actor, name: str | None, contact_ref: int | str) -> UnitSummary:
    """Create a unit with its contact (someone who has started the bot), or give an existing unit of
    that name a new contact. A new unit is paired at once with the admin's community when they
    administer exactly one; otherwise they pair it with the buttons of the answer."""
    clean = clean_unit_name(name)
    mine = await administered_communities(core, actor)  # NotAllowed for non-admins
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        contact = await find_person(s, contact_ref)
        if contact is None or contact.tg_user_id is None:
            raise NotFound("units.contact_unknown")
        unit = (await s.execute(select(Unit).where(func.lower(col(Unit.name)) == clean.lower()))).scalars().first()
        created = unit is None
        if unit is None:
            unit = Unit(name=clean, contact_id=contact.id, created_by=me.id, created_at=core.clock.now())
            s.add(unit)
            await s.flush()
            if len(mine) == 1:
                s.add(UnitCommunity(unit_id=key_of(unit), community_id=key_of(mine[0]), created_at=core.clock.now()))
        elif not await _may_manage(s, me, unit):
            raise NotAllowed("units.not_yours")
        elif unit.contact_id == contact.id:
            return await _summary(s, unit, mine)
        else:
            unit.contact_id = contact.id
            s.add(unit)
        await audit.record(s, me.id, "unit.save", "unit", unit.id, contact_id=contact.id, created=created)
        await core.notifier.send(
            s,
            f"unit-contact:{unit.id}:{contact.id}:{core.clock.now().timestamp():.0f}",
            UnitContactNamed(chat_id=contact.tg_user_id, language=contact.language, unit=unit.name),
        )
        return await _summary(s, unit, mine, created=created)


async def set_pairing(core: Core, actor: Actor, unit_id: int, community_id: int, paired: bool) -> UnitSummary:
    """Pair (or unpair) a unit with one of the communities this admin administers. Members who chose
    the unit keep it: their past work still counts for the unit's reports."""
    mine = await administered_communities(core, actor)
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        unit = await s.get(Unit, unit_id) if row_id(unit_id) else None
        if unit is None:
            raise NotFound("units.not_found")
        if community_id not in {c.id for c in mine} or not await is_admin_of(s, me, community_id):
            raise NotAllowed("units.not_your_community")
        where = (col(UnitCommunity.unit_id) == unit_id, col(UnitCommunity.community_id) == community_id)
        exists = await s.scalar(select(col(UnitCommunity.id)).where(*where))
        if paired and exists is None:
            s.add(UnitCommunity(unit_id=unit_id, community_id=community_id, created_at=core.clock.now()))
        elif not paired and exists is not None:
            await s.execute(delete(UnitCommunity).where(*where))
        if paired != (exists is not None):
            await audit.record(s, me.id, "unit.pair", "unit", unit_id, community_id=community_id, paired=paired)
        await s.flush()
        return await _summary(s, unit, mine)


async def admin_units(core: Core, actor: Actor) -> list[UnitSummary]:
    """/units: the units this admin may manage (paired with their communities, or theirs), by name."""
    mine = await administered_communities(core, actor)
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        if not await is_any_admin(s, me):
            raise NotAllowed("places.admins_only")
        stmt = select(Unit)
        if not me.is_superadmin:
            paired = select(col(UnitCommunity.unit_id)).where(col(UnitCommunity.community_id).in_([c.id for c in mine]))
            stmt = stmt.where(col(Unit.id).in_(paired) | (col(Unit.created_by) == me.id))
        units = natural((await s.execute(stmt)).scalars(), lambda u: u.name, lambda u: u.id)
        return [await _summary(s, u, mine) for u in units]


async def units_of_grid(core: Core, grid_id: int) -> list[Unit]:
    """The units paired with a grid's community: what a volunteer there may choose, by name."""
    async with core.db.reading() as s:
        rows = await s.execute(
            select(Unit)
            .join(UnitCommunity, col(UnitCommunity.unit_id) == col(Unit.id))
            .join(Grid, col(Grid.community_id) == col(UnitCommunity.community_id))
            .where(col(Grid.id) == grid_id)
        )
        return natural(rows.scalars().unique(), lambda u: u.name, lambda u: u.id)
