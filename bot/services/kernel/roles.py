"""People and their roles: who is acting, and what they may do where.

The look-ups run on nearly every update, so their statements are built once, here, with bind
parameters (building an ORM statement costs more CPU than the database spends answering it).
Services that need more than the person in the same breath pass `load_me` a statement that
selects the Person first and whatever else they need after it, keyed by `:tg`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import BindParameter, Boolean, Select, bindparam, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.ids import row_id as row_id  # TRANSITION: callers import it from kernel.ids
from storage.detached import DetachedBundle
from storage.enums import RoleKind, VolunteerStatus
from storage.models import BuildingHead, Grid, Person, RoleGrant, VolunteerProfile, table_of
from storage.rows import AnyRow, set_committed

if TYPE_CHECKING:
    from bot.services.kernel.core import Core

LEADER, ADMIN = RoleKind.leader.value, RoleKind.admin.value
AnySelect = Select[*tuple[Any, ...]]  # a statement of any columns (the Person first, see by_tg)


@dataclass(frozen=True)
class Actor:
    """The Telegram user behind an update, as the core sees them."""

    tg_user_id: int
    name: str = ""
    username: str | None = None
    language: str | None = None


# the person as a detached Person read from a Core row: the hot path loads no ORM objects
PERSON = DetachedBundle(Person, "person")


def by_tg(*columns: Any) -> AnySelect:
    """`select(<the Person>, *columns) ... where tg_user_id = :tg`, to extend and pass to `load_me`.
    The Person is detached (storage.detached): read it; changes go through statements."""
    return select(PERSON, *columns).select_from(Person).where(col(Person.tg_user_id) == bindparam("tg"))


def grants(role: str, *where: Any) -> Any:
    """EXISTS a grant of `role` to the Person of the enclosing statement."""
    return exists().where(col(RoleGrant.person_id) == col(Person.id), col(RoleGrant.role) == role, *where)


def heads_building(building_id: Any, person_id: Any = None) -> Any:
    """EXISTS: the person (default: the Person of the enclosing statement) is a head of that
    building (楼栋长): they see and visit its households as its paired volunteers do."""
    who = col(Person.id) if person_id is None else person_id
    return exists().where(col(BuildingHead.person_id) == who, col(BuildingHead.building_id) == building_id)


def _grant_ids(column: Any, role: str) -> AnySelect:
    return (
        select(column).where(col(RoleGrant.person_id) == col(Person.id), col(RoleGrant.role) == role).correlate(Person)
    )


# grids this person leads: as leader, or as admin of their community (see led_grids)
LEADS_A_GRID = (
    select(col(Grid.id))
    .where(
        or_(
            col(Grid.id).in_(_grant_ids(col(RoleGrant.grid_id), LEADER)),
            col(Grid.community_id).in_(_grant_ids(col(RoleGrant.community_id), ADMIN)),
        )
    )
    .correlate_except(Grid)
    .exists()
)
ANY_GRID = select(col(Grid.id)).correlate_except(Grid).exists()

_PERSON = by_tg()
_PERSON_ORM = select(Person).where(col(Person.tg_user_id) == bindparam("tg"))  # for callers that change it
_TABLE = table_of(Person)
_INSERT = insert(_TABLE)
_COLUMNS = [c.key for c in _TABLE.columns if c.key != "id"]
_FRESHEN = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("pid"))
    .values(language=bindparam("language"), blocked_bot=False, username=bindparam("username"), name=bindparam("name"))
)


async def load_rows(session: AsyncSession, actor: Actor, stmt: AnySelect, **params: Any) -> list[AnyRow]:
    """The rows of `stmt` (see `by_tg`) for this Telegram user, who is registered on first contact
    and whose name/language are kept fresh, as `ensure_person` does. At least one row."""
    params["tg"] = actor.tg_user_id
    rows = list((await session.execute(stmt, params=params)).all())
    if not rows:
        fresh = Person(
            tg_user_id=actor.tg_user_id, name=actor.name[:100], username=actor.username, language=actor.language
        )
        await (await session.connection()).execute(_INSERT, {k: getattr(fresh, k) for k in _COLUMNS})
        return list((await session.execute(stmt, params=params)).all())
    person = rows[0][0]
    if (
        person.language != actor.language
        or person.blocked_bot
        or person.username != actor.username
        or (not person.name and actor.name)
    ):
        kept: dict[str, Any] = dict(
            language=actor.language or person.language,
            blocked_bot=False,  # they wrote to us, so they can be reached again
            username=actor.username,  # /setleader @name must find people who renamed themselves
            name=person.name or actor.name[:100],
        )
        await (await session.connection()).execute(_FRESHEN, {"pid": person.id, **kept})
        set_committed(person, **kept)  # the Person read (detached or not) says what the row now holds
    return rows


async def load_me(session: AsyncSession, actor: Actor, stmt: AnySelect, **params: Any) -> AnyRow:
    """The one row of `stmt` for this Telegram user (see `load_rows`)."""
    return (await load_rows(session, actor, stmt, **params))[0]


async def ensure_person(session: AsyncSession, actor: Actor) -> Person:
    """The Person for this Telegram user, created on first contact; name/language kept fresh."""
    return cast(Person, (await load_me(session, actor, _PERSON_ORM))[0])


async def person_by_tg(session: AsyncSession, tg_user_id: int) -> Person | None:
    """The Person (an ORM object: the callers change it) of this Telegram user, if known."""
    return (await session.execute(_PERSON_ORM, params={"tg": tg_user_id})).scalars().first()


_PID: BindParameter[int] = bindparam("pid")
_GID: BindParameter[int] = bindparam("gid")
_CID: BindParameter[int] = bindparam("cid")
_ADMIN_OF = select(col(RoleGrant.id)).where(
    col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == ADMIN, col(RoleGrant.community_id) == _CID
)
_ANY_ADMIN = select(col(RoleGrant.id)).where(col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == ADMIN).limit(1)
_LEADER_OF = select(col(RoleGrant.id)).where(
    col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == LEADER, col(RoleGrant.grid_id) == _GID
)
# is_leader_of, or the grid exists and they are superadmin or an admin of its community
_CAN_LEAD = select(
    or_(
        exists().where(col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == LEADER, col(RoleGrant.grid_id) == _GID),
        exists().where(
            col(Grid.id) == _GID,
            or_(
                bindparam("sa", type_=Boolean),
                col(Grid.community_id).in_(
                    select(col(RoleGrant.community_id)).where(
                        col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == ADMIN
                    )
                ),
            ),
        ),
    )
)


async def _found(session: AsyncSession, stmt: AnySelect, **params: Any) -> bool:
    return (await (await session.connection()).execute(stmt, params)).first() is not None


async def is_admin_of(session: AsyncSession, person: Person, community_id: int | None) -> bool:
    """Superadmins administer every community; community admins their own."""
    if person.is_superadmin:
        return True
    if community_id is None:
        return False
    return await _found(session, _ADMIN_OF, pid=person.id, cid=community_id)


async def is_any_admin(session: AsyncSession, person: Person) -> bool:
    return person.is_superadmin or await _found(session, _ANY_ADMIN, pid=person.id)


async def is_leader_of(session: AsyncSession, person: Person, grid_id: int) -> bool:
    return await _found(session, _LEADER_OF, pid=person.id, gid=grid_id)


async def can_lead(session: AsyncSession, person: Person, grid_id: int) -> bool:
    """The grid's leader, or an admin of its community."""
    row = (
        await (await session.connection()).execute(
            _CAN_LEAD, {"pid": person.id, "gid": grid_id, "sa": bool(person.is_superadmin)}
        )
    ).first()
    return row is not None and bool(row[0])


_ALL_GRIDS = select(Grid).order_by(col(Grid.id))
_LED_GRIDS = (
    select(Grid)
    .where(
        or_(
            col(Grid.id).in_(
                select(col(RoleGrant.grid_id)).where(col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == LEADER)
            ),
            col(Grid.community_id).in_(
                select(col(RoleGrant.community_id)).where(
                    col(RoleGrant.person_id) == _PID, col(RoleGrant.role) == ADMIN
                )
            ),
        )
    )
    .order_by(col(Grid.id))
)


async def led_grids(session: AsyncSession, person: Person) -> list[Grid]:
    """Grids this person may act on as leader (as leader, or as admin of their community)."""
    if person.is_superadmin:
        return list((await session.execute(_ALL_GRIDS)).scalars())
    return list((await session.execute(_LED_GRIDS, params={"pid": person.id})).scalars())


_LEADERS = (
    select(Person)
    .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
    .where(col(RoleGrant.role) == LEADER, col(RoleGrant.grid_id) == _GID)
    .order_by(col(Person.id))
)
_ADMINS = (
    select(Person)
    .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
    .where(col(RoleGrant.role) == ADMIN, col(RoleGrant.community_id) == _CID)
    .order_by(col(Person.id))
)
_SUPERADMINS = select(Person).where(col(Person.is_superadmin) == True)  # noqa: E712


async def leaders_of(session: AsyncSession, grid_id: int) -> list[Person]:
    return list((await session.execute(_LEADERS, params={"gid": grid_id})).scalars())


async def admins_of(session: AsyncSession, community_id: int) -> list[Person]:
    """Community admins, or the superadmins when the community has none."""
    people = list((await session.execute(_ADMINS, params={"cid": community_id})).scalars())
    if not people:
        people = list((await session.execute(_SUPERADMINS)).scalars())
    return people


_PROFILE = select(VolunteerProfile).where(col(VolunteerProfile.person_id) == _PID)


async def approved_volunteer(session: AsyncSession, person: Person) -> VolunteerProfile | None:
    prof = (await session.execute(_PROFILE, params={"pid": person.id})).scalars().first()
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


# /start and /help: the person, their volunteer status and what they lead, in one statement
_ROLE_SUMMARY = by_tg(col(VolunteerProfile.status), LEADS_A_GRID, ANY_GRID, grants(ADMIN)).outerjoin(
    VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id)
)


def _summary(person: Person, status: str | None, leads: bool, any_grid: bool, admin: bool) -> RoleSummary:
    sa = bool(person.is_superadmin)
    return RoleSummary(status, bool(any_grid if sa else leads), sa or bool(admin), person.grid_id)


async def roles_in(session: AsyncSession, person: Person) -> RoleSummary:
    """What this person is, as this transaction sees it (a role just granted or taken included)."""
    _, status, leads, any_grid, admin = (await session.execute(_ROLE_SUMMARY, {"tg": person.tg_user_id})).one()
    return _summary(person, status, leads, any_grid, admin)


async def role_summary(core: Core, actor: Actor) -> RoleSummary:
    """What this person is, for /start and /help (registers them on first contact)."""
    async with core.db.reading() as s:
        person, status, leads, any_grid, admin = await load_me(s, actor, _ROLE_SUMMARY)
        return _summary(person, status, leads, any_grid, admin)
