"""Volunteers after sign-up: the leaders' decisions (approve, decline, suspend, reinstate).

Every decision re-checks, on every press: the actor leads the volunteer's grid (or administers
its community), is not deciding about themselves, and the profile is still in the state the
button was drawn for. Sign-up and the volunteer's own profile are in signup.py; the lists a
leader reads are in rosters.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.menus import queue_menu
from bot.services.kernel.roles import Actor, admins_of, can_lead, ensure_person, leaders_of
from bot.services.people.notices import (
    ApplicationDecided,
    Decision,
    StandingChanged,
    VolunteerApplied,
    VolunteerApproved,
    VolunteerCard,
    VolunteerDeclined,
)
from bot.services.places import volunteer_group_of
from storage import audit
from storage.enums import VolunteerStatus
from storage.models import Community, Grid, Pairing, Person, Unit, VolunteerProfile
from storage.rows import affected, key_of


@dataclass
class VolunteerView:
    profile: VolunteerProfile
    person: Person
    grid: Grid
    community: Community
    unit: Unit | None = None  # their work unit (包联单位)

    @property
    def card(self) -> VolunteerCard:
        p, prof = self.person, self.profile
        return VolunteerCard(
            profile_id=key_of(prof),
            name=p.name,
            grid=self.grid.name,
            community=self.community.name,
            phone=p.phone,
            work_group=prof.work_group,
            party_member=prof.party_member,
            skills=tuple(v for v in prof.skills.split(",") if v),
            availability=prof.availability,
            status=prof.status,
            unit=self.unit.name if self.unit is not None else None,
        )


def card_ref(profile: VolunteerProfile) -> str:
    """One card per application (a re-application after a decline gets a new card)."""
    stamp = int(profile.consent_at.timestamp()) if profile.consent_at else 0
    return f"volunteer:{profile.id}:{stamp}"


async def view_of(session: AsyncSession, profile: VolunteerProfile) -> VolunteerView:
    """The profile with its person, grid and community (all three exist: foreign keys)."""
    person = await session.get_one(Person, profile.person_id)
    grid = await session.get_one(Grid, profile.grid_id)
    com = await session.get_one(Community, grid.community_id)
    unit = await session.get(Unit, profile.unit_id) if profile.unit_id is not None else None
    return VolunteerView(profile, person, grid, com, unit)


async def deciders_of(session: AsyncSession, grid: Grid) -> list[tuple[Person, int]]:
    """Who gets the sign-up card: the grid's leaders, else the community's admins (with their chat)."""
    people = await leaders_of(session, key_of(grid)) or await admins_of(session, grid.community_id)
    return [(p, p.tg_user_id) for p in people if p.tg_user_id is not None]


async def post_application_cards(core: Core, session: AsyncSession, view: VolunteerView) -> None:
    ref, card = card_ref(view.profile), view.card
    for leader, chat in await deciders_of(session, view.grid):
        if leader.id == view.person.id:
            continue  # nobody decides about themselves
        await core.notifier.send(
            session,
            f"{ref}:card:{leader.id}",
            VolunteerApplied(chat_id=chat, language=leader.language, card=card),
            card_ref=ref,
        )


async def _decidable(session: AsyncSession, actor: Actor, profile_id: int) -> tuple[Person, VolunteerView]:
    me = await ensure_person(session, actor)
    profile = await session.get(VolunteerProfile, profile_id) if row_id(profile_id) else None
    if profile is None:
        raise NotFound("volunteers.not_found")
    if profile.person_id == me.id:
        raise NotAllowed("volunteers.not_yourself")
    if not await can_lead(session, me, profile.grid_id):
        raise NotAllowed("volunteers.not_your_grid")
    return me, await view_of(session, profile)


ALREADY_KEYS = {
    VolunteerStatus.pending.value: "volunteers.still_pending",
    VolunteerStatus.approved.value: "volunteers.already_approved",
    VolunteerStatus.declined.value: "volunteers.already_declined",
    VolunteerStatus.suspended.value: "volunteers.already_suspended",
    VolunteerStatus.left.value: "volunteers.already_left",
}


def _stale(profile: VolunteerProfile) -> Conflict:
    """The button was drawn for another state: say what the state is now."""
    return Conflict(ALREADY_KEYS.get(profile.status, "error.stale"))


async def _transition(
    session: AsyncSession,
    prof: VolunteerProfile,
    before: VolunteerStatus,
    after: VolunteerStatus,
    me: Person,
    now: datetime,
) -> None:
    """Change the status only if it is still `before` (two leaders pressing at once: one wins)."""
    values: dict[str, Any] = dict(status=after.value, decided_by=me.id, decided_at=now)
    if after != VolunteerStatus.approved:
        values["shock_team"] = False
    result = await session.execute(
        update(VolunteerProfile)
        .where(col(VolunteerProfile.id) == prof.id, col(VolunteerProfile.status) == before.value)
        .values(**values)
    )
    if not affected(result):
        await session.refresh(prof)
        raise _stale(prof)
    await session.refresh(prof)


async def _close_card(core: Core, session: AsyncSession, view: VolunteerView, me: Person, decision: Decision) -> None:
    await core.notifier.edit_card(
        session, card_ref(view.profile), ApplicationDecided(chat_id=0, card=view.card, decision=decision, by=me.name)
    )


async def approve_volunteer(core: Core, actor: Actor, profile_id: int) -> VolunteerProfile:
    async with core.db.session() as s:
        me, view = await _decidable(s, actor, profile_id)
        prof = view.profile
        await _transition(s, prof, VolunteerStatus.pending, VolunteerStatus.approved, me, core.clock.now())
        if view.person.grid_id is None:
            view.person.grid_id = prof.grid_id
            s.add(view.person)
        await audit.record(s, me.id, "volunteer.approve", "volunteer", prof.id, grid_id=prof.grid_id)
        group = await volunteer_group_of(s, prof.grid_id)
        if view.person.tg_user_id is not None:
            await core.notifier.send(
                s,
                f"{card_ref(prof)}:approved",
                VolunteerApproved(
                    chat_id=view.person.tg_user_id,
                    language=view.person.language,
                    grid=view.grid.name,
                    group=group.title if group is not None else None,
                    invite_link=group.invite_link if group is not None else None,
                ),
            )
        await _close_card(core, s, view, me, Decision.approved)
        await queue_menu(core.notifier, s, view.person)
        return prof


async def decline_volunteer(core: Core, actor: Actor, profile_id: int, reason: str | None = None) -> VolunteerProfile:
    reason = (reason or "").strip()[:300] or None
    async with core.db.session() as s:
        me, view = await _decidable(s, actor, profile_id)
        prof = view.profile
        await _transition(s, prof, VolunteerStatus.pending, VolunteerStatus.declined, me, core.clock.now())
        await audit.record(
            s, me.id, "volunteer.decline", "volunteer", prof.id, grid_id=prof.grid_id, with_reason=reason is not None
        )
        if view.person.tg_user_id is not None:
            await core.notifier.send(
                s,
                f"{card_ref(prof)}:declined",
                VolunteerDeclined(
                    chat_id=view.person.tg_user_id, language=view.person.language, grid=view.grid.name, reason=reason
                ),
            )
        await _close_card(core, s, view, me, Decision.declined)
        return prof


async def suspend_volunteer(core: Core, actor: Actor, profile_id: int) -> VolunteerProfile:
    """An approved volunteer stops getting tasks and visits until reinstated."""
    return await _set_standing(
        core, actor, profile_id, VolunteerStatus.approved, VolunteerStatus.suspended, "volunteer.suspend"
    )


async def reinstate_volunteer(core: Core, actor: Actor, profile_id: int) -> VolunteerProfile:
    return await _set_standing(
        core, actor, profile_id, VolunteerStatus.suspended, VolunteerStatus.approved, "volunteer.reinstate"
    )


async def _set_standing(
    core: Core, actor: Actor, profile_id: int, before: VolunteerStatus, after: VolunteerStatus, action: str
) -> VolunteerProfile:
    async with core.db.session() as s:
        me, view = await _decidable(s, actor, profile_id)
        prof = view.profile
        await _transition(s, prof, before, after, me, core.clock.now())
        await audit.record(s, me.id, action, "volunteer", prof.id, grid_id=prof.grid_id)
        if view.person.tg_user_id is not None:
            await core.notifier.send(
                s,
                f"{action}:{prof.id}:{core.clock.now().timestamp():.3f}",
                StandingChanged(
                    chat_id=view.person.tg_user_id,
                    language=view.person.language,
                    grid=view.grid.name,
                    suspended=after == VolunteerStatus.suspended,
                ),
            )
        await queue_menu(core.notifier, s, view.person)
        return prof


async def end_pairings(session: AsyncSession, person_id: int) -> int:
    return affected(
        await session.execute(
            update(Pairing)
            .where(col(Pairing.volunteer_id) == person_id, col(Pairing.active) == True)  # noqa: E712
            .values(active=False)
        )
    )
