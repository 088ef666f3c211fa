"""Signing up to events, withdrawing, and the leader's attendance check (attendance earns points).

Each change locks the event row (PostgreSQL `FOR UPDATE`; SQLite transactions hold the write
lock from the start), so the last free slot goes to exactly one volunteer. Repeating an action
changes nothing: a second sign-up, withdrawal or identical attendance mark reports `changed=False`.
Attendance is final once marked "attended" (its points are in the append-only ledger); a
no-show can still be corrected to attended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotForYou, NotFound
from bot.services.kernel.life_common import aware, lock
from bot.services.kernel.namesakes import namesake_hints
from bot.services.kernel.roles import Actor, approved_volunteer, ensure_person
from bot.services.points import Part, PartKind, grant
from storage import audit
from storage.enums import PointsReason, SignupStatus
from storage.models import Event, EventSignup, Grid, Person

from .cards import id_of, may_manage, refresh_card, signed_count, timezone_of
from .notices import AttendedThanks

CHECK_IN_FROM = timedelta(hours=1)  # attendance can be taken from an hour before the start


@dataclass
class SignupResult:
    event: Event
    signed: int  # places taken now
    status: str | None  # the volunteer's sign-up status now
    changed: bool


@dataclass
class RosterLine:
    person_id: int
    name: str | None
    status: str
    hint: str | None = None  # what tells a namesake apart (kernel.namesakes)


@dataclass
class Roster:
    event: Event
    lines: list[RosterLine]
    timezone: str
    open_for_check_in: bool


async def _open_event(s: AsyncSession, event_id: int, now: datetime) -> Event:
    ev = await lock(s, Event, event_id)
    if ev is None:
        raise NotFound("events.error.no_event")
    if ev.cancelled:
        raise Conflict("events.error.cancelled")
    if aware(ev.starts_at) <= now:
        raise Conflict("events.error.started")
    return ev


async def _signup(s: AsyncSession, event_id: int, person_id: int) -> EventSignup | None:
    return (
        (
            await s.execute(
                select(EventSignup).where(
                    col(EventSignup.event_id) == event_id, col(EventSignup.volunteer_id) == person_id
                )
            )
        )
        .scalars()
        .first()
    )


async def sign_up(core: Core, actor: Actor, event_id: int) -> SignupResult:
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        ev = await _open_event(s, event_id, now)
        prof = await approved_volunteer(s, person)
        if prof is None:
            raise NotAllowed("events.error.not_volunteer")
        if ev.grid_id is not None and prof.grid_id != ev.grid_id:
            raise NotAllowed("events.error.other_grid")
        home = await s.get(Grid, prof.grid_id) if ev.grid_id is None else None
        if ev.grid_id is None and (home is None or home.community_id != ev.community_id):
            raise NotAllowed("events.error.other_grid")
        row = await _signup(s, id_of(ev), id_of(person))
        if row is not None and row.status != SignupStatus.withdrawn.value:
            return SignupResult(ev, await signed_count(s, id_of(ev)), row.status, False)
        if await signed_count(s, id_of(ev)) >= ev.slots:
            raise NotForYou("events.error.full")  # for a newcomer: the others still leave by the card
        if row is None:
            row = EventSignup(event_id=id_of(ev), volunteer_id=id_of(person), created_at=now)
        row.status = SignupStatus.signed.value
        s.add(row)
        await s.flush()
        signed = await refresh_card(core, s, ev)
        await audit.record(s, person.id, "event.signed_up", "event", ev.id)
        return SignupResult(ev, signed, row.status, True)


async def withdraw(core: Core, actor: Actor, event_id: int) -> SignupResult:
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        ev = await _open_event(s, event_id, now)
        row = await _signup(s, id_of(ev), id_of(person))
        if row is None or row.status == SignupStatus.withdrawn.value:
            return SignupResult(ev, await signed_count(s, id_of(ev)), row.status if row else None, False)
        if row.status != SignupStatus.signed.value:
            raise Conflict("events.error.already_checked")
        row.status = SignupStatus.withdrawn.value
        s.add(row)
        await s.flush()
        signed = await refresh_card(core, s, ev)
        await audit.record(s, person.id, "event.withdrawn", "event", ev.id)
        return SignupResult(ev, signed, row.status, True)


async def _managed_event(s: AsyncSession, person: Person, event_id: int) -> Event:
    ev = await lock(s, Event, event_id)
    if ev is None:
        raise NotFound("events.error.no_event")
    if not await may_manage(s, person, ev):
        raise NotAllowed("events.error.not_leader")
    return ev


async def roster(core: Core, actor: Actor, event_id: int) -> Roster:
    """Who signed up (withdrawals left out), for the leader's attendance check."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        ev = await _managed_event(s, person, event_id)
        rows = (
            await s.execute(
                select(col(EventSignup.volunteer_id), col(Person.name), col(EventSignup.status), col(Person.phone))
                .join(Person, col(Person.id) == col(EventSignup.volunteer_id))
                .where(col(EventSignup.event_id) == ev.id, col(EventSignup.status) != SignupStatus.withdrawn.value)
                .order_by(col(EventSignup.id))
            )
        ).all()
        tz = await timezone_of(s, ev)
        is_open = core.clock.now() >= aware(ev.starts_at) - CHECK_IN_FROM
        hints = namesake_hints((pid, name, phone) for pid, name, _, phone in rows)
        return Roster(ev, [RosterLine(pid, name, st, hints.get(pid)) for pid, name, st, _ in rows], tz, is_open)


async def mark_attendance(
    core: Core, actor: Actor, event_id: int, volunteer_person_id: int, attended: bool
) -> SignupResult:
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        ev = await _managed_event(s, person, event_id)
        if ev.cancelled:
            raise Conflict("events.error.cancelled")
        if now < aware(ev.starts_at) - CHECK_IN_FROM:
            raise Conflict("events.error.too_early")
        row = await _signup(s, id_of(ev), volunteer_person_id)
        if row is None or row.status == SignupStatus.withdrawn.value:
            raise NotFound("events.error.not_signed")
        want = SignupStatus.attended.value if attended else SignupStatus.no_show.value
        signed = await signed_count(s, id_of(ev))
        if row.status == want:
            return SignupResult(ev, signed, row.status, False)
        if row.status == SignupStatus.attended.value:
            raise Conflict("events.error.attended_final")
        row.status = want
        s.add(row)
        if attended:
            await _reward(core, s, ev, volunteer_person_id)
        await audit.record(
            s, person.id, "event.attendance", "event", ev.id, volunteer_id=volunteer_person_id, status=want
        )
        return SignupResult(ev, signed, want, True)


async def check_in(
    core: Core, actor: Actor, event_id: int, volunteer_person_id: int, attended: bool
) -> tuple[SignupResult, Roster]:
    """The attendance button: mark one volunteer, then the roster as it now stands."""
    result = await mark_attendance(core, actor, event_id, volunteer_person_id, attended)
    return result, await roster(core, actor, event_id)


async def _reward(core: Core, s: AsyncSession, ev: Event, volunteer_id: int) -> None:
    pts = core.cfg.points.event_attended
    now = core.clock.now()
    grid_id = ev.grid_id
    if grid_id is None:
        grid_id = (
            (
                await s.execute(
                    select(col(Grid.id))
                    .join(Person, col(Person.grid_id) == col(Grid.id))
                    .where(col(Person.id) == volunteer_id, col(Grid.community_id) == ev.community_id)
                )
            )
            .scalars()
            .first()
        )
    award = await grant(
        s,
        ref=f"event:{ev.id}:{volunteer_id}",
        person_id=volunteer_id,
        reason=PointsReason.event,
        parts=(Part(PartKind.event, pts),),
        grid_id=grid_id,
        community_id=ev.community_id,
        now=now,
    )
    if award is None:
        return
    vol = await s.get(Person, volunteer_id)
    if vol is not None and vol.tg_user_id is not None:
        thanks = AttendedThanks(
            chat_id=vol.tg_user_id,
            language=vol.language,
            title=ev.title,
            starts_at=aware(ev.starts_at),
            timezone=await timezone_of(s, ev),
            award=award,
        )
        await core.notifier.send(s, f"event-attended:{ev.id}:{volunteer_id}", thanks)
