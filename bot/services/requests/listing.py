"""What a resident sees of their own requests: the latest ones, or one, with who holds it and its rating."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.roles import Actor, by_tg, ensure_person, load_rows
from bot.services.requests.common import HOLDING, display_name, get_request
from storage.models import Assignment, HelpRequest, Person, Rating

from .grid_today import this_year


@dataclass
class RequestView:
    request: HelpRequest
    this_year: int  # the year it is: the request's date in another year shows its year
    takers: list[str] = field(default_factory=list)
    rating: Rating | None = None
    volunteers: list[Person] = field(default_factory=list)  # who holds it now (for the Message buttons)


# /myrequests: the person and their latest requests with their ratings, in one statement
_MINE = (
    by_tg(HelpRequest, Rating)
    .outerjoin(HelpRequest, and_(col(HelpRequest.resident_id) == col(Person.id), col(HelpRequest.erased_at) == None))  # noqa: E711
    .outerjoin(Rating, col(Rating.request_id) == col(HelpRequest.id))
    .order_by(col(HelpRequest.id).desc())
    .limit(bindparam("limit"))
)
_RATING = select(Rating).where(col(Rating.request_id) == bindparam("rid"))
# who holds each request now, in assignment order
_HOLDERS = (
    select(col(Assignment.request_id), Person)
    .join(Person, col(Person.id) == col(Assignment.volunteer_id))
    .where(col(Assignment.request_id).in_(bindparam("rids", expanding=True)), col(Assignment.status).in_(HOLDING))
    .order_by(col(Assignment.id))
)


async def my_requests(core: Core, actor: Actor, limit: int = 10) -> list[RequestView]:
    """The resident's latest requests with who took them and their rating."""
    async with core.db.session() as s:
        rows = [(r, rating) for _, r, rating in await load_rows(s, actor, _MINE, limit=limit) if r is not None]
        return await _views(s, rows, this_year(core))


async def own_request(s: AsyncSession, actor: Actor, request_id: int) -> tuple[Person, HelpRequest]:
    """The resident and one of their own requests; NotAllowed for anyone else's."""
    person = await ensure_person(s, actor)
    req = await get_request(s, request_id)
    if req.resident_id != person.id:
        raise NotAllowed("request.error.not_yours")
    return person, req


async def request_of(core: Core, actor: Actor, request_id: int) -> RequestView:
    """One of the resident's own requests."""
    async with core.db.session() as s:
        _, req = await own_request(s, actor, request_id)
        rating = (await s.execute(_RATING, params={"rid": req.id})).scalars().first()
        return (await _views(s, [(req, rating)], this_year(core)))[0]


async def _views(s: AsyncSession, rows: list[tuple[HelpRequest, Rating | None]], this_year: int) -> list[RequestView]:
    views = {r.id: RequestView(r, this_year, [], rating, []) for r, rating in rows}
    if views:
        for rid, p in (await s.execute(_HOLDERS, params={"rids": list(views)})).all():
            views[rid].volunteers.append(p)
            views[rid].takers.append(display_name(p))
    return list(views.values())
