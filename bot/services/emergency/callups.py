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

from sqlalchemy import CursorResult, and_, false, or_, select, true, update
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import aware, clean_text, lock
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of
from bot.services.points import Part, PartKind, grant
from storage import audit
from storage.enums import DutyAnswer, PointsReason
from storage.models import Community, DutyResponse, Emergency, Grid, Person

from .headcount import headcount_card, place_of, refresh_headcount, shock_team
from .notices import CallUp, CallUpEnded

REASON_MAX, TARGET_MAX = 300, 10_000


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
            community_id=stored_id(community.id),
            grid_id=grid_id,
            reason=reason,
            target=target,
            started_by=person.id,
            started_at=now,
        )
        s.add(em)
        await s.flush()
        place, _ = await place_of(s, em)
        team = list((await s.execute(shock_team(em))).scalars())
        for vol in team:
            if vol.tg_user_id is None:
                continue
            callup = CallUp(
                chat_id=vol.tg_user_id,
                language=vol.language,
                emergency_id=stored_id(em.id),
                place=place,
                reason=reason,
                target=target,
            )
            await core.notifier.send(
                s, f"callup:{em.id}:{vol.id}", callup, card_ref=f"emergency:{em.id}:callup:{vol.id}", urgent=True
            )
        if person.tg_user_id is not None:
            card = await headcount_card(s, em, person.tg_user_id, person.language)
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
        if await s.scalar(shock_team(em).where(col(Person.id) == person.id).with_only_columns(col(Person.id))) is None:
            raise NotAllowed("emergency.error.not_called")
        place, _ = await place_of(s, em)
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
            row = DutyResponse(emergency_id=stored_id(em.id), volunteer_id=stored_id(person.id), answer=answer)
        row.answer, row.answered_at = answer, now
        s.add(row)
        await s.flush()
        await refresh_headcount(core, s, em)
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
        place, _ = await place_of(s, em)
        answers = {
            r.volunteer_id: r
            for r in (await s.execute(select(DutyResponse).where(col(DutyResponse.emergency_id) == em.id))).scalars()
        }
        team = {stored_id(p.id): p for p in (await s.execute(shock_team(em))).scalars()}
        team.update(
            {
                stored_id(p.id): p
                for p in (await s.execute(select(Person).where(col(Person.id).in_(list(answers))))).scalars()
            }
        )
        pts, awarded, on_duty = core.cfg.points.emergency_duty, 0, 0
        for pid, vol in team.items():
            resp = answers.get(pid)
            card = CallUpEnded(chat_id=0, language=vol.language, place=place, reason=em.reason)
            if resp is not None and resp.answer == DutyAnswer.on_duty.value:
                on_duty += 1
                hours = round(max(0.0, (now - aware(resp.answered_at)).total_seconds() / 3600), 1)
                award = await grant(
                    s,
                    ref=f"emergency:{em.id}:{pid}",
                    person_id=pid,
                    reason=PointsReason.emergency,
                    parts=(Part(PartKind.emergency, pts),),
                    hours=hours,
                    grid_id=em.grid_id or vol.grid_id,
                    community_id=em.community_id,
                    now=now,
                )
                awarded += award is not None
                card = CallUpEnded(
                    chat_id=0, language=vol.language, place=place, reason=em.reason, award=award, hours=hours
                )
            await core.notifier.edit_card(s, f"emergency:{em.id}:callup:{pid}", card)
        await refresh_headcount(core, s, em)
        await audit.record(s, person.id, "emergency.ended", "emergency", em.id, on_duty=on_duty, awarded=awarded)
        return Ended(em, on_duty, awarded)
