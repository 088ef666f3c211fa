"""People and their roles: who is acting, and what they may do where."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.enums import RoleKind, VolunteerStatus
from storage.models import Grid, Person, RoleGrant, VolunteerProfile


@dataclass(frozen=True)
class Actor:
    """The Telegram user behind an update, as the core sees them."""
    tg_user_id: int
    name: str = ""
    username: str | None = None
    language: str | None = None


async def ensure_person(session: AsyncSession, actor: Actor) -> Person:
    """The Person for this Telegram user, created on first contact; name/language kept fresh."""
    person = (await session.exec(select(Person).where(Person.tg_user_id == actor.tg_user_id))).scalars().first()  # type: ignore[call-overload]
    if person is None:
        person = Person(tg_user_id=actor.tg_user_id, name=actor.name[:100], username=actor.username,
                        language=actor.language)
        session.add(person)
        await session.flush()
    elif (person.language != actor.language or person.blocked_bot or person.username != actor.username
          or (not person.name and actor.name)):
        person.language = actor.language or person.language
        person.blocked_bot = False  # they wrote to us, so they can be reached again
        person.username = actor.username  # /setleader @name must find people who renamed themselves
        person.name = person.name or actor.name[:100]
        session.add(person)
    return person


async def person_by_tg(session: AsyncSession, tg_user_id: int) -> Person | None:
    return (await session.exec(select(Person).where(Person.tg_user_id == tg_user_id))).scalars().first()  # type: ignore[call-overload]


async def is_admin_of(session: AsyncSession, person: Person, community_id: int | None) -> bool:
    """Superadmins administer every community; community admins their own."""
    if person.is_superadmin:
        return True
    if community_id is None:
        return False
    grant = await session.scalar(select(RoleGrant.id).where(
        RoleGrant.person_id == person.id, RoleGrant.role == RoleKind.admin.value,
        RoleGrant.community_id == community_id))
    return grant is not None


async def is_any_admin(session: AsyncSession, person: Person) -> bool:
    if person.is_superadmin:
        return True
    return await session.scalar(select(RoleGrant.id).where(
        RoleGrant.person_id == person.id, RoleGrant.role == RoleKind.admin.value).limit(1)) is not None


async def is_leader_of(session: AsyncSession, person: Person, grid_id: int) -> bool:
    grant = await session.scalar(select(RoleGrant.id).where(
        RoleGrant.person_id == person.id, RoleGrant.role == RoleKind.leader.value, RoleGrant.grid_id == grid_id))
    return grant is not None


async def can_lead(session: AsyncSession, person: Person, grid_id: int) -> bool:
    """The grid's leader, or an admin of its community."""
    if await is_leader_of(session, person, grid_id):
        return True
    grid = await session.get(Grid, grid_id)
    return grid is not None and await is_admin_of(session, person, grid.community_id)


async def led_grids(session: AsyncSession, person: Person) -> list[Grid]:
    """Grids this person may act on as leader (as leader, or as admin of their community)."""
    if person.is_superadmin:
        return list((await session.exec(select(Grid).order_by(Grid.id))).scalars())  # type: ignore[call-overload]
    leader = select(RoleGrant.grid_id).where(RoleGrant.person_id == person.id, RoleGrant.role == RoleKind.leader.value)
    admin = select(RoleGrant.community_id).where(RoleGrant.person_id == person.id, RoleGrant.role == RoleKind.admin.value)
    stmt = select(Grid).where(or_(Grid.id.in_(leader), Grid.community_id.in_(admin))).order_by(Grid.id)  # type: ignore[union-attr]
    return list((await session.exec(stmt)).scalars())  # type: ignore[call-overload]


async def leaders_of(session: AsyncSession, grid_id: int) -> list[Person]:
    stmt = select(Person).join(RoleGrant, RoleGrant.person_id == Person.id).where(
        RoleGrant.role == RoleKind.leader.value, RoleGrant.grid_id == grid_id).order_by(Person.id)
    return list((await session.exec(stmt)).scalars())  # type: ignore[call-overload]


async def admins_of(session: AsyncSession, community_id: int) -> list[Person]:
    """Community admins, or the superadmins when the community has none."""
    stmt = select(Person).join(RoleGrant, RoleGrant.person_id == Person.id).where(
        RoleGrant.role == RoleKind.admin.value, RoleGrant.community_id == community_id).order_by(Person.id)
    people = list((await session.exec(stmt)).scalars())  # type: ignore[call-overload]
    if not people:
        people = list((await session.exec(select(Person).where(Person.is_superadmin == True))).scalars())  # type: ignore[call-overload]  # noqa: E712
    return people


async def approved_volunteer(session: AsyncSession, person: Person) -> VolunteerProfile | None:
    prof = (await session.exec(select(VolunteerProfile).where(VolunteerProfile.person_id == person.id))).scalars().first()  # type: ignore[call-overload]
    return prof if prof is not None and prof.status == VolunteerStatus.approved.value else None


async def grant_superadmin(session: AsyncSession, tg_user_id: int) -> Person:
    """First admins (config or `redvest admin add`): a Person row that is superadmin."""
    person = await person_by_tg(session, tg_user_id)
    if person is None:
        person = Person(tg_user_id=tg_user_id)
    person.is_superadmin = True
    session.add(person)
    await session.flush()
    return person


@dataclass(frozen=True)
class RoleSummary:
    volunteer_status: str | None
    leads: bool
    admin: bool
    grid_id: int | None


async def role_summary(core, actor: Actor) -> RoleSummary:  # type: ignore[no-untyped-def]
    """What this person is, for /start and /help (registers them on first contact)."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        prof = (await s.exec(select(VolunteerProfile).where(VolunteerProfile.person_id == person.id))).scalars().first()  # type: ignore[call-overload]
        leads = bool(await led_grids(s, person))
        admin = await is_any_admin(s, person)
        return RoleSummary(prof.status if prof else None, leads, admin, person.grid_id)
