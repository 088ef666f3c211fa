"""The wish wall's reads and its claim. What the wall shows of a wish is what the group card shows:
its code, grid, summary (phone-like digits masked), when and the free places; never the resident's
name, address or phone. Those reach only the volunteer who takes it (the task's details).

A paired unit's contact (包联单位联系人) who is no volunteer reads the wall of the community their
unit is paired with, every grid, and claims a wish for the unit (`claim_for_unit`, the card's "claim
for my unit"): the members they then put on it get the details."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, by_tg, load_me
from bot.services.requests import HOLDING, ClaimResult, UnitClaimView, claim_for_unit, claim_task, mask_phones
from storage.enums import Category, RequestStatus, VolunteerStatus
from storage.models import Assignment, Community, Grid, HelpRequest, Person, Unit, UnitCommunity, VolunteerProfile

PAGE_SIZE = 5  # a wish a few lines long: five fit a phone's screen with their buttons
WISH = Category.micro_wish.value
OPEN = RequestStatus.open.value


@dataclass(frozen=True)
class WishLine:
    request_id: int
    code: str
    grid_id: int
    grid_name: str
    summary: str  # phone-like digits masked, as on the group card
    when_kind: str
    when_date: str | None
    places_left: int
    takeable: bool  # the reader may take it: a wish of their own grid they do not hold yet
    held: bool  # the reader holds it already
    unit_takeable: bool = False  # the reader, a unit's contact, may claim it for the unit


@dataclass(frozen=True)
class WishGrid:
    id: int
    name: str
    wishes: int  # open wishes in it


@dataclass(frozen=True)
class WishWall:
    community: str
    home_grid_id: int  # the reader's grid: only its wishes can be taken by them
    grids: list[WishGrid]  # every grid of the community, in natural order
    grid_id: int  # the filter: a grid's id, 0 for every grid of the community
    page: int  # from 0
    pages: int
    total: int  # wishes under the filter
    wishes: list[WishLine]
    this_year: int
    unit: str = ""  # read by a paired unit's contact: they may claim for the unit (empty: a volunteer only)
    volunteer: bool = True  # the reader may take wishes of their own grid themselves (a contact may be both)


# the reader, their volunteer profile, its grid and community: one row
_ME = (
    by_tg(col(VolunteerProfile.status), col(VolunteerProfile.grid_id), col(Grid.community_id), col(Community.name))
    .outerjoin(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
    .outerjoin(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
    .outerjoin(Community, col(Community.id) == col(Grid.community_id))
)
# the unit this person is the contact of and the community it is paired with (the first of each)
_CONTACT = (
    select(col(Unit.name), col(Community.id), col(Community.name))
    .join(UnitCommunity, col(UnitCommunity.unit_id) == col(Unit.id))
    .join(Community, col(Community.id) == col(UnitCommunity.community_id))
    .where(col(Unit.contact_id) == bindparam("pid"))
    .order_by(col(Unit.id), col(Community.id))
    .limit(1)
)
# a volunteer's: the unit they are the contact of that is paired with their own community, if any
_CONTACT_HERE = _CONTACT.where(col(Community.id) == bindparam("cid"))
_GRIDS = select(col(Grid.id), col(Grid.name)).where(col(Grid.community_id) == bindparam("cid"))
_WISHES = and_(
    col(HelpRequest.category) == WISH,
    col(HelpRequest.status) == OPEN,
    col(HelpRequest.erased_at) == None,  # noqa: E711
    col(HelpRequest.duplicate_of) == None,  # noqa: E711
    col(HelpRequest.slots_taken) < col(HelpRequest.slots),
)
_COUNTS = (
    select(col(HelpRequest.grid_id), func.count())
    .join(Grid, col(Grid.id) == col(HelpRequest.grid_id))
    .where(_WISHES, col(Grid.community_id) == bindparam("cid"))
    .group_by(col(HelpRequest.grid_id))
)
_HELD = (
    select(col(Assignment.id))
    .where(
        col(Assignment.request_id) == col(HelpRequest.id),
        col(Assignment.volunteer_id) == bindparam("pid"),
        col(Assignment.status).in_(HOLDING),
    )
    .correlate(HelpRequest)
    .exists()
)
_PAGE = (
    select(HelpRequest, _HELD.label("held"))
    .where(_WISHES, col(HelpRequest.grid_id).in_(bindparam("gids", expanding=True)))
    .order_by(col(HelpRequest.created_at), col(HelpRequest.id))  # the longest waiting first
    .limit(PAGE_SIZE)
    .offset(bindparam("skip"))
)


async def wish_wall(core: Core, actor: Actor, grid_id: int | None = None, page: int = 0) -> WishWall:
    """One page of the open wishes of the reader's community: of one grid (`grid_id`), of all
    (0), or of the reader's own grid (None). A page past the end shows the last one."""
    async with core.db.reading() as s:
        me = await load_me(s, actor, _ME)
        person, status, home, community_id, community = me
        unit = ""
        volunteer = status == VolunteerStatus.approved.value and home is not None and community_id is not None
        if not volunteer:
            contact = (await s.execute(_CONTACT, {"pid": person.id})).first()
            if contact is None:
                raise NotAllowed("wish.error.not_volunteer")
            unit, community_id, community = contact
            home = 0  # a unit claims in every grid of the community it is paired with
        else:  # a volunteer who is also the contact of a unit paired with their community claims for it too
            here = (await s.execute(_CONTACT_HERE, {"pid": person.id, "cid": community_id})).first()
            unit = here[0] if here is not None else ""
        counts = {int(g): int(n) for g, n in (await s.execute(_COUNTS, {"cid": community_id})).all()}
        grids = natural(
            [
                WishGrid(int(i or 0), n, counts.get(int(i or 0), 0))
                for i, n in await s.execute(_GRIDS, {"cid": community_id})
            ],
            lambda g: g.name,
            lambda g: g.id,
        )
        names = {g.id: g.name for g in grids}
        chosen = home if grid_id is None else grid_id
        if chosen and chosen not in names:  # a grid since moved away, or a forged press
            raise Conflict("wish.error.grid_gone")
        gids = [chosen] if chosen else list(names)
        total = sum(counts.get(g, 0) for g in gids)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        rows = (await s.execute(_PAGE, {"gids": gids, "pid": person.id, "skip": page * PAGE_SIZE})).all()
        wishes = [
            WishLine(
                request_id=r.id or 0,
                code=r.code or "",
                grid_id=r.grid_id,
                grid_name=names.get(r.grid_id, ""),
                summary=mask_phones(r.summary),
                when_kind=r.when_kind,
                when_date=r.when_date,
                places_left=r.slots - r.slots_taken,
                takeable=volunteer and r.grid_id == home and not held,
                held=bool(held),
                unit_takeable=bool(unit) and not held,
            )
            for r, held in rows
        ]
        return WishWall(
            community=community or "",
            home_grid_id=int(home),
            grids=grids,
            grid_id=int(chosen),
            page=page,
            pages=pages,
            total=total,
            wishes=wishes,
            this_year=core.clock.now().astimezone(core.cfg.tz).year,
            unit=unit,
            volunteer=volunteer,
        )


_CATEGORY = select(col(HelpRequest.category)).where(col(HelpRequest.id) == bindparam("rid"))


async def take_wish(core: Core, actor: Actor, request_id: int) -> ClaimResult:
    """A volunteer claims a wish from the wall: the group card's claim itself (one slot, atomically;
    the volunteer's details, the resident told who took it, the cards edited). A press that names
    no wish changes nothing."""
    async with core.db.reading() as s:
        category = (await s.execute(_CATEGORY, {"rid": request_id})).scalar()
    if category != WISH:
        raise Conflict("wish.error.gone")
    return await claim_task(core, actor, request_id)


async def claim_wish_for_unit(core: Core, actor: Actor, request_id: int) -> UnitClaimView:
    """A unit's contact claims a wish from the wall for the unit: the card's unit claim itself (one
    slot, atomically; the contact gets the claim with a button per member in private)."""
    async with core.db.reading() as s:
        category = (await s.execute(_CATEGORY, {"rid": request_id})).scalar()
    if category != WISH:
        raise Conflict("wish.error.gone")
    return await claim_for_unit(core, actor, request_id)
