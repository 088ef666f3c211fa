"""Emergency call-up (平急转换): an admin switches a community or a grid into emergency mode.

The shock team (approved volunteers with col(VolunteerProfile.shock_team)) in that place gets an
urgent call-up with On duty / Can't buttons; the admin who started it gets a headcount card that
is edited in place as answers come. Ending records the span and awards emergency-duty points
(hours = from answering "on duty" to the end) to everyone on duty at that moment, once.
An answer may be changed while the emergency lasts; after the end every answer is refused.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, and_, false, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.life_common import aware, clean_text, lock
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of
from storage import audit
from storage.enums import DutyAnswer, PointsReason, RoleKind, VolunteerStatus
from storage.models import Community, DutyResponse, Emergency, Grid, Person, RoleGrant, VolunteerProfile
from storage.points import award

from .notices import CallUp, CallUpEnded, Headcount

REASON_MAX, TARGET_MAX = 300, 10_000


@dataclass
class EmergencyScope:
    community_id: int
    community: str
    grids: list[tuple[int, str]]


@dataclass
class Started:
    emergency: Emergency
    called: int  # shock-team volunteers sent a call-up


@dataclass
class Answered:
    emergency: Emergency
    answer: str
    changed: bool
    place: str


@dataclass
class Ended:
    emergency: Emergency
    on_duty: int
    awarded: int


def _id(row: Any) -> int:
    """The id of a row read from the database (always set once flushed)."""
    assert row.id is not None
    return cast(int, row.id)


def _shock_team(em: Emergency) -> Select[Person]:
    stmt = (
        select(Person)
        .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
        .where(col(VolunteerProfile.shock_team) == True, col(VolunteerProfile.status) == VolunteerStatus.approved.value)  # noqa: E712
    )
    if em.grid_id is not None:
        return stmt.where(col(VolunteerProfile.grid_id) == em.grid_id).order_by(col(Person.id))
    return (
        stmt.join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
        .where(col(Grid.community_id) == em.community_id)
        .order_by(col(Person.id))
    )


async def _place(s: AsyncSession, em: Emergency) -> tuple[str, str]:
    """(place name, time zone) of the emergency."""
    community = await s.get(Community, em.community_id)
    if community is None:
        raise NotFound("emergency.error.no_place")
    grid = await s.get(Grid, em.grid_id) if em.grid_id else None
    return (grid.name if grid else community.name), community.timezone


async def _headcount(s: AsyncSession, em: Emergency, chat_id: int, language: str | None) -> Headcount:
    place, tz = await _place(s, em)
    rows = (
        await s.execute(
            select(col(Person.name), col(DutyResponse.answer))
            .join(DutyResponse, col(DutyResponse.volunteer_id) == col(Person.id))
            .where(col(DutyResponse.emergency_id) == em.id)
            .order_by(col(DutyResponse.answered_at), col(DutyResponse.id))
        )
    ).all()
    on = tuple(n for n, a in rows if a == DutyAnswer.on_duty.value)
    called = int(await s.scalar(select(func.count()).select_from(_shock_team(em).subquery())) or 0)
    return Headcount(
        chat_id=chat_id,
        language=language,
        emergency_id=_id(em),
        place=place,
        reason=em.reason,
        timezone=tz,
        started_at=aware(em.started_at),
        ended_at=aware(em.ended_at) if em.ended_at is not None else None,
        target=em.target,
        on_duty=on,
        cant=len(rows) - len(on),
        waiting=max(0, called - len(rows)),
    )


async def _refresh_headcount(core: Core, s: AsyncSession, em: Emergency) -> None:
    starter = await s.get(Person, em.started_by) if em.started_by else None
    card = await _headcount(s, em, 0, starter.language if starter else None)
    await core.notifier.edit_card(s, f"emergency:{em.id}:hc", card)


async def emergency_scopes(core: Core, actor: Actor) -> list[EmergencyScope]:
    """Communities (and their grids) this person administers."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        stmt = select(Community).order_by(col(Community.id))
        if not person.is_superadmin:
            stmt = stmt.where(
                col(Community.id).in_(
                    select(col(RoleGrant.community_id)).where(
                        col(RoleGrant.person_id) == person.id, col(RoleGrant.role) == RoleKind.admin.value
                    )
                )
            )
        out = []
        for c in (await s.execute(stmt)).scalars():
            grids = (
                await s.execute(
                    select(col(Grid.id), col(Grid.name)).where(col(Grid.community_id) == c.id).order_by(col(Grid.id))
                )
            ).all()
            out.append(EmergencyScope(_id(c), c.name, [(cast(int, g), n) for g, n in grids]))
        if not out:
            raise NotAllowed("emergency.error.not_admin")
        return out


async def active_emergencies(core: Core, actor: Actor) -> list[tuple[Emergency, str]]:
    """Emergencies still on in communities this person administers, with their place names."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        out = []
        for em in (
            await s.execute(select(Emergency).where(col(Emergency.ended_at).is_(None)).order_by(col(Emergency.id)))
        ).scalars():
            if await is_admin_of(s, person, em.community_id):
                out.append((em, (await _place(s, em))[0]))
        return out


@dataclass
class EmergencyMenu:
    scopes: list[EmergencyScope]  # where this admin may start one
    active: list[tuple[Emergency, str]]  # (emergency, place) still on


async def emergency_menu(core: Core, actor: Actor) -> EmergencyMenu:
    """/emergency: the places an admin may switch, and what is on now (NotAllowed for others)."""
    return EmergencyMenu(await emergency_scopes(core, actor), await active_emergencies(core, actor))


@dataclass
class EndChoice:
    ended: Ended | None  # the only active one, now ended
    choices: list[tuple[Emergency, str]]  # several on: the admin picks


async def end_active(core: Core, actor: Actor) -> EndChoice:
    """/emergency end: end the only active emergency, or list them when there are several."""
    await emergency_scopes(core, actor)  # admins only
    active = await active_emergencies(core, actor)
    if len(active) == 1:
        return EndChoice(await end_emergency(core, actor, _id(active[0][0])), [])
    return EndChoice(None, active)


def check_reason(text: str | None) -> str:
    return clean_text(text, max_len=REASON_MAX, key="emergency.error.bad_reason", allow_newlines=False)


def check_target(text: str | None) -> int:
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value.isdigit() or len(value) > 6 or not 1 <= int(value) <= TARGET_MAX:
        raise InvalidInput("emergency.error.bad_target", max=TARGET_MAX)
    return int(value)


async def start_emergency(
    core: Core, actor: Actor, *, community_id: int | None = None, grid_id: int | None = None, reason: str, target: int
) -> Started:
    """Emergency mode for a whole community (community_id) or one grid (grid_id)."""
    reason = check_reason(reason)
    if not 1 <= target <= TARGET_MAX:
        raise InvalidInput("emergency.error.bad_target", max=TARGET_MAX)
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if grid_id is not None:
            grid = await s.get(Grid, grid_id)
            if grid is None or community_id not in (None, grid.community_id):
                raise NotFound("emergency.error.no_place")
            community_id = grid.community_id
        community = await lock(s, Community, community_id) if community_id is not None else None
        if community is None:
            raise NotFound("emergency.error.no_place")
        if not await is_admin_of(s, person, community.id):
            raise NotAllowed("emergency.error.not_admin")
        overlap = or_(
            col(Emergency.grid_id).is_(None), true() if grid_id is None else false(), col(Emergency.grid_id) == grid_id
        )
        if (
            await s.scalar(
                select(col(Emergency.id)).where(
                    and_(col(Emergency.community_id) == community.id, col(Emergency.ended_at).is_(None), overlap)
                )
            )
            is not None
        ):
            raise Conflict("emergency.error.already_active")
        em = Emergency(
            community_id=_id(community),
            grid_id=grid_id,
            reason=reason,
            target=target,
            started_by=person.id,
            started_at=now,
        )
        s.add(em)
        await s.flush()
        place, _ = await _place(s, em)
        team = list((await s.execute(_shock_team(em))).scalars())
        for vol in team:
            if vol.tg_user_id is None:
                continue
            callup = CallUp(
                chat_id=vol.tg_user_id,
                language=vol.language,
                emergency_id=_id(em),
                place=place,
                reason=reason,
                target=target,
            )
            await core.notifier.send(
                s, f"callup:{em.id}:{vol.id}", callup, card_ref=f"emergency:{em.id}:callup:{vol.id}", urgent=True
            )
        if person.tg_user_id is not None:
            card = await _headcount(s, em, person.tg_user_id, person.language)
            await core.notifier.send(s, f"emergency-hc:{em.id}", card, card_ref=f"emergency:{em.id}:hc")
        await audit.record(
            s, person.id, "emergency.started", "emergency", em.id, grid_id=grid_id, target=target, called=len(team)
        )
        return Started(em, len(team))


async def answer_call_up(core: Core, actor: Actor, emergency_id: int, answer: str) -> Answered:
    if answer not in DutyAnswer.__members__:
        raise InvalidInput("emergency.error.bad_answer")
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        em = await lock(s, Emergency, emergency_id)
        if em is None:
            raise NotFound("emergency.error.no_emergency")
        if em.ended_at is not None:
            raise Conflict("emergency.error.ended")
        if await s.scalar(_shock_team(em).where(col(Person.id) == person.id).with_only_columns(col(Person.id))) is None:
            raise NotAllowed("emergency.error.not_called")
        place, _ = await _place(s, em)
        row = (
            (
                await s.execute(
                    select(DutyResponse).where(
                        col(DutyResponse.emergency_id) == em.id, col(DutyResponse.volunteer_id) == person.id
                    )
                )
            )
            .scalars()
            .first()
        )
        if row is not None and row.answer == answer:
            return Answered(em, answer, False, place)
        if row is None:
            row = DutyResponse(emergency_id=_id(em), volunteer_id=_id(person), answer=answer)
        row.answer, row.answered_at = answer, now
        s.add(row)
        await s.flush()
        await _refresh_headcount(core, s, em)
        await audit.record(s, person.id, "emergency.answered", "emergency", em.id, answer=answer)
        return Answered(em, answer, True, place)


async def end_emergency(core: Core, actor: Actor, emergency_id: int) -> Ended:
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        em = await lock(s, Emergency, emergency_id)
        if em is None:
            raise NotFound("emergency.error.no_emergency")
        if not await is_admin_of(s, person, em.community_id):
            raise NotAllowed("emergency.error.not_admin")
        ended = cast(
            CursorResult[Any],
            await s.execute(
                update(Emergency)
                .where(col(Emergency.id) == em.id, col(Emergency.ended_at).is_(None))
                .values(ended_at=now)
            ),
        )
        if not ended.rowcount:
            raise Conflict("emergency.error.already_ended")
        em.ended_at = now
        place, _ = await _place(s, em)
        answers = {
            r.volunteer_id: r
            for r in (await s.execute(select(DutyResponse).where(col(DutyResponse.emergency_id) == em.id))).scalars()
        }
        team = {_id(p): p for p in (await s.execute(_shock_team(em))).scalars()}
        team.update(
            {_id(p): p for p in (await s.execute(select(Person).where(col(Person.id).in_(list(answers))))).scalars()}
        )
        pts, awarded, on_duty = core.cfg.points.emergency_duty, 0, 0
        for pid, vol in team.items():
            resp = answers.get(pid)
            card = CallUpEnded(chat_id=0, language=vol.language, place=place, reason=em.reason)
            if resp is not None and resp.answer == DutyAnswer.on_duty.value:
                on_duty += 1
                hours = round(max(0.0, (now - aware(resp.answered_at)).total_seconds() / 3600), 1)
                if await award(
                    s,
                    ref=f"emergency:{em.id}:{pid}",
                    person_id=pid,
                    reason=PointsReason.emergency,
                    points=pts,
                    hours=hours,
                    grid_id=em.grid_id or vol.grid_id,
                    community_id=em.community_id,
                    now=now,
                ):
                    awarded += 1
                card = CallUpEnded(
                    chat_id=0, language=vol.language, place=place, reason=em.reason, points=pts, hours=hours
                )
            await core.notifier.edit_card(s, f"emergency:{em.id}:callup:{pid}", card)
        await _refresh_headcount(core, s, em)
        await audit.record(s, person.id, "emergency.ended", "emergency", em.id, on_duty=on_duty, awarded=awarded)
        return Ended(em, on_duty, awarded)
