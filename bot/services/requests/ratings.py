"""评单: the resident confirms (done / partly / not done) and rates; points follow confirmation only.

Points for a task are granted when the resident confirms, or the grid leader confirms after
requests.leader_confirm_after_hours — never on the volunteer's word alone. Here are the taps and the
scheduler's sweep; what a confirmation does (points, reopening, asking the leaders) is confirmation.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.notices import Notice
from bot.services.kernel.roles import Actor, by_tg, can_lead, ensure_person, load_rows, row_id
from bot.services.points import Part, PartKind, grant
from storage import audit, claim_reads
from storage.detached import DetachedBundle, detached
from storage.enums import AssignmentStatus, Outcome, PointsReason, RequestStatus
from storage.models import Grid, HelpRequest, Person, Rating, Relay, table_of
from storage.rows import set_committed

from . import fields as rin
from .common import as_utc, get_request, notice_for, part_of, require_status, tell
from .confirmation import DONE, ask_leaders_to_confirm, complete, reopen
from .notices import LeaderConfirmed, Rated, RatingCommented

# the request and its rating as detached objects (storage.detached): no ORM load on the hot path
_REQUEST, _RATING = DetachedBundle(HelpRequest, "req"), DetachedBundle(Rating, "rating")
# the resident, their request, its rating and its community, in one statement
_OWN = (
    by_tg(_REQUEST, _RATING, col(Grid.community_id))
    .outerjoin(HelpRequest, col(HelpRequest.id) == bindparam("rid"))
    .outerjoin(Rating, col(Rating.request_id) == col(HelpRequest.id))
    .outerjoin(Grid, col(Grid.id) == col(HelpRequest.grid_id))
)
# the same, and one row per taker with their person (what a confirmation pays, tells and names),
# and whether any relayed conversation is open (none: no UPDATE to end them)
_TA = claim_reads.TA
_RELAYS = exists().where(col(Relay.request_id) == col(HelpRequest.id), col(Relay.active) == True).label("relays")  # noqa: E712
_OWN_TAKERS = (
    by_tg(_REQUEST, _RATING, col(Grid.community_id), *claim_reads.full_taker_columns(_TA), _RELAYS)
    .outerjoin(HelpRequest, col(HelpRequest.id) == bindparam("rid"))
    .outerjoin(Rating, col(Rating.request_id) == col(HelpRequest.id))
    .outerjoin(Grid, col(Grid.id) == col(HelpRequest.grid_id))
    .outerjoin(_TA, and_(_TA.c.request_id == col(HelpRequest.id), _TA.c.status.in_(claim_reads.HOLDING)))
    .outerjoin(claim_reads.TAKER, claim_reads.TAKER.c.id == _TA.c.volunteer_id)
    .order_by(_TA.c.id)
)
# the same, and one row per volunteer who did it with their person (whom the stars and the comment
# tell, and the five stars pay): read with the request, not in a statement of their own
_OWN_DONE = (
    by_tg(_REQUEST, _RATING, col(Grid.community_id), *claim_reads.full_taker_columns(_TA))
    .outerjoin(HelpRequest, col(HelpRequest.id) == bindparam("rid"))
    .outerjoin(Rating, col(Rating.request_id) == col(HelpRequest.id))
    .outerjoin(Grid, col(Grid.id) == col(HelpRequest.grid_id))
    .outerjoin(_TA, and_(_TA.c.request_id == col(HelpRequest.id), _TA.c.status == AssignmentStatus.done.value))
    .outerjoin(claim_reads.TAKER, claim_reads.TAKER.c.id == _TA.c.volunteer_id)
    .order_by(_TA.c.id)
)
_RATING_TABLE = table_of(Rating)
_RATE = (
    update(_RATING_TABLE)
    .where(_RATING_TABLE.c.id == bindparam("rating_id"), _RATING_TABLE.c.stars.is_(None))
    .values(stars=bindparam("stars"))
    .returning(_RATING_TABLE.c.id)
)
_COMMENT = (
    update(_RATING_TABLE).where(_RATING_TABLE.c.id == bindparam("rating_id")).values(comment=bindparam("comment"))
)


@dataclass
class _Own:
    person: Person
    req: HelpRequest
    rating: Rating | None
    community_id: int | None
    rows: list[Any]  # with _OWN_TAKERS: one per taker of the request


async def _own(s: AsyncSession, actor: Actor, request_id: int, stmt: Any = _OWN) -> _Own:
    rid = row_id(request_id)  # as get_request: out of range is not found
    rows = await load_rows(s, actor, stmt, rid=rid)
    person, req, rating, community_id = rows[0][:4]
    if req is None or req.erased_at is not None:
        raise NotFound("request.error.not_found")
    if req.resident_id != person.id:
        raise NotAllowed("request.error.not_yours")
    return _Own(person, req, rating, community_id, rows)


def _done_by(own: _Own) -> list[tuple[int, Person]]:
    """(volunteer id, their Person) of the assignments reported done, oldest first (read by _OWN_DONE);
    a volunteer whose person is gone is left out."""
    out = []
    for row in own.rows:
        values = part_of(row, claim_reads.TAKER, "p_") if row.t_aid is not None else None
        if values is not None:
            out.append((int(row.t_vid), detached(Person, values)))
    return out


async def _tell(core: Core, s: AsyncSession, p: Person, key: str, kind: type[Notice], **facts: Any) -> None:
    """As common.tell, to a person already read."""
    notice = notice_for(p, kind, **facts)
    if notice is not None:
        await core.notifier.send(s, key, notice)


async def confirm_outcome(core: Core, actor: Actor, request_id: int, outcome: str) -> HelpRequest:
    """The resident's one tap after Done. 'not' reopens the task for the same volunteers."""
    if outcome not in {"done", "partly", "not"}:
        raise InvalidInput()
    async with core.db.session() as s:
        own = await _own(s, actor, request_id, _OWN_TAKERS)
        req = own.req
        require_status(req, DONE)
        if outcome == "not":
            return await reopen(core, s, req, own.person)
        await complete(
            core,
            s,
            req,
            own.person.id,
            Outcome(outcome),
            by_leader=False,
            community_id=own.community_id,
            rows=own.rows,
            relays=bool(own.rows[0].relays),
        )
        return req


async def rate_request(core: Core, actor: Actor, request_id: int, stars: int) -> Rating:
    """1-5 stars, once; 5 stars earns the volunteers a bonus."""
    if not 1 <= int(stars) <= 5:
        raise InvalidInput("rating.error.stars")
    async with core.db.session() as s:
        own = await _own(s, actor, request_id, _OWN_DONE)
        person, req, rating = own.person, own.req, own.rating
        require_status(req, RequestStatus.completed.value)
        if rating is None:
            raise NotFound("rating.error.no_rating")
        done = (await (await s.connection()).execute(_RATE, {"rating_id": rating.id, "stars": int(stars)})).first()
        if done is None:
            raise Conflict("rating.error.already_rated", code=req.code or "")
        set_committed(rating, stars=int(stars))
        now = core.clock.now()
        for vid, volunteer in _done_by(own):
            bonus = None
            if stars == 5:
                bonus = await grant(
                    s,
                    ref=f"five_star:{req.id}:{vid}",
                    person_id=vid,
                    reason=PointsReason.five_star,
                    parts=(Part(PartKind.five_star, core.cfg.points.five_star_bonus),),
                    grid_id=req.grid_id,
                    community_id=own.community_id,
                    now=now,
                )
            await _tell(
                core, s, volunteer, f"rated:{req.id}:{vid}", Rated, code=req.code or "", stars=int(stars), bonus=bonus
            )
        await audit.record(s, person.id, "request.rate", "request", req.id, code=req.code, stars=int(stars))
        return rating


async def comment_rating(core: Core, actor: Actor, request_id: int, comment: str) -> Rating:
    """An optional comment after the stars; the volunteers see it."""
    text = rin.check_comment(comment)
    async with core.db.session() as s:
        own = await _own(s, actor, request_id, _OWN_DONE)
        person, req, rating = own.person, own.req, own.rating
        if rating is None or rating.stars is None:
            raise NotFound("rating.error.no_rating")
        if rating.comment:
            raise Conflict("rating.error.already_commented", code=req.code or "")
        await (await s.connection()).execute(_COMMENT, {"rating_id": rating.id, "comment": text})
        set_committed(rating, comment=text)
        for vid, volunteer in _done_by(own):
            await _tell(
                core, s, volunteer, f"rating-comment:{req.id}:{vid}", RatingCommented, code=req.code or "", comment=text
            )
        await audit.record(s, person.id, "request.comment", "request", req.id, code=req.code, length=len(text))
        return rating


async def auto_confirm_due(core: Core) -> int:
    """Scheduler: done tasks the resident has not confirmed within the wait go to the leaders."""
    cutoff = core.clock.now() - timedelta(hours=core.cfg.requests.leader_confirm_after_hours)
    async with core.db.session() as s:
        due = list(
            (
                await s.execute(
                    select(HelpRequest)
                    .where(
                        col(HelpRequest.status) == DONE,
                        col(HelpRequest.done_at) <= cutoff,
                        col(HelpRequest.leader_confirm_asked_at) == None,  # noqa: E711
                    )
                    .limit(500)
                )
            ).scalars()
        )
        asked = 0
        for req in due:
            asked += await ask_leaders_to_confirm(core, s, req)
        return asked


async def leader_confirm(core: Core, actor: Actor, request_id: int) -> HelpRequest:
    """The leader confirms a done task the resident did not confirm, after the configured wait."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        req = await get_request(s, request_id)
        if not await can_lead(s, person, req.grid_id):
            raise NotAllowed("board.error.not_leader")
        require_status(req, DONE)
        wait = timedelta(hours=core.cfg.requests.leader_confirm_after_hours)
        done_at = as_utc(req.done_at)
        if req.leader_confirm_asked_at is None and done_at and done_at + wait > core.clock.now():
            raise NotAllowed("rating.error.too_early", hours=core.cfg.requests.leader_confirm_after_hours)
        await complete(core, s, req, person.id, Outcome.done, by_leader=True)
        if req.resident_id:
            await tell(
                core,
                s,
                req.resident_id,
                f"leader-confirmed:{req.id}",
                LeaderConfirmed,
                code=req.code or "",
                request_id=req.id or 0,
            )
        return req
