"""Volunteers after sign-up: the leaders' decisions (approve, decline, suspend, reinstate) and lists.

Every decision re-checks, on every press: the actor leads the volunteer's grid (or administers
its community), is not deciding about themselves, and the profile is still in the state the
button was drawn for. Sign-up and the volunteer's own profile are in signup.py.
"""
from __future__ import annotations

from sqlmodel import col

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t, tp
from storage import audit
from storage.enums import RoleKind, Skill, VolunteerStatus, WorkGroup
from storage.models import Community, Grid, Pairing, Person, RoleGrant, VolunteerProfile

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotFound
from bot.services.kernel.notifier import Button, OutMessage
from bot.services.people.roles import Actor, admins_of, can_lead, ensure_person, leaders_of, row_id
from bot.services.places.grids import volunteer_group_of

WORK_GROUP_KEYS = {
    WorkGroup.party_in_service.value: "volunteers.wg.party_in_service",
    WorkGroup.retired.value: "volunteers.wg.retired",
    WorkGroup.youth.value: "volunteers.wg.youth",
    WorkGroup.new_economy.value: "volunteers.wg.new_economy",
    WorkGroup.resident.value: "volunteers.wg.resident",
}
SKILL_KEYS = {
    Skill.elder_care.value: "volunteers.skill.elder_care", Skill.repairs.value: "volunteers.skill.repairs",
    Skill.paperwork.value: "volunteers.skill.paperwork", Skill.health.value: "volunteers.skill.health",
    Skill.haircut.value: "volunteers.skill.haircut", Skill.tutoring.value: "volunteers.skill.tutoring",
    Skill.legal.value: "volunteers.skill.legal", Skill.psychology.value: "volunteers.skill.psychology",
    Skill.transport.value: "volunteers.skill.transport", Skill.moving.value: "volunteers.skill.moving",
}
STATUS_KEYS = {
    VolunteerStatus.pending.value: "volunteers.status.pending",
    VolunteerStatus.approved.value: "volunteers.status.approved",
    VolunteerStatus.declined.value: "volunteers.status.declined",
    VolunteerStatus.suspended.value: "volunteers.status.suspended",
    VolunteerStatus.left.value: "volunteers.status.left",
}


@dataclass
class VolunteerView:
    profile: VolunteerProfile
    person: Person
    grid: Grid
    community: Community


def skills_text(lang: str, skills: str | list[str]) -> str:
    values = skills.split(",") if isinstance(skills, str) else skills
    return "、".join(tp(lang, SKILL_KEYS[v]) for v in values if v in SKILL_KEYS) if lang == "zh-CN" else \
        ", ".join(tp(lang, SKILL_KEYS[v]) for v in values if v in SKILL_KEYS)


def card_text(lang: str, v: VolunteerView, *, with_phone: bool = True) -> str:
    """The volunteer as a leader sees them (private chat only: it has the phone number)."""
    p, prof = v.person, v.profile
    yes_no = tp(lang, "volunteers.yes") if prof.party_member else tp(lang, "volunteers.no")
    return t(lang, "volunteers.card", name=p.name, grid=v.grid.name, community=v.community.name,
             phone=(p.phone or "—") if with_phone else "—",
             work_group=tp(lang, WORK_GROUP_KEYS.get(prof.work_group, "volunteers.wg.resident")),
             party=yes_no, skills=skills_text(lang, prof.skills) or "—", availability=prof.availability or "—",
             status=tp(lang, STATUS_KEYS.get(prof.status, "volunteers.status.pending")))


def decision_buttons(lang: str, profile_id: int) -> list[list[Button]]:
    return [[Button(tp(lang, "volunteers.approve_button"), data=f"vol:ok:{profile_id}"),
             Button(tp(lang, "volunteers.decline_button"), data=f"vol:no:{profile_id}")]]


def card_ref(profile: VolunteerProfile) -> str:
    """One card per application (a re-application after a decline gets a new card)."""
    stamp = int(profile.consent_at.timestamp()) if profile.consent_at else 0
    return f"volunteer:{profile.id}:{stamp}"


async def view_of(session: AsyncSession, profile: VolunteerProfile) -> VolunteerView:
    person = await session.get(Person, profile.person_id)
    grid = await session.get(Grid, profile.grid_id)
    com = await session.get(Community, grid.community_id)  # type: ignore[union-attr]
    return VolunteerView(profile, person, grid, com)  # type: ignore[arg-type]


async def deciders_of(session: AsyncSession, grid: Grid) -> list[Person]:
    """Who gets the sign-up card: the grid's leaders, else the community's admins."""
    people = await leaders_of(session, grid.id) or await admins_of(session, grid.community_id)  # type: ignore[arg-type]
    return [p for p in people if p.tg_user_id is not None]


async def post_application_cards(core: Core, session: AsyncSession, view: VolunteerView) -> None:
    ref = card_ref(view.profile)
    for leader in await deciders_of(session, view.grid):
        if leader.id == view.person.id:
            continue  # nobody decides about themselves
        lang = core.lang(leader.language)
        text = t(lang, "volunteers.new_application") + "\n\n" + card_text(lang, view)
        await core.notifier.send(session, f"{ref}:card:{leader.id}", OutMessage(
            chat_id=leader.tg_user_id, text=text, buttons=decision_buttons(lang, view.profile.id)),  # type: ignore[arg-type]
            card_ref=ref)


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


async def _transition(session: AsyncSession, prof: VolunteerProfile, before: VolunteerStatus, after: VolunteerStatus,
                      me: Person, now: datetime) -> None:
    """Change the status only if it is still `before` (two leaders pressing at once: one wins)."""
    values: dict = dict(status=after.value, decided_by=me.id, decided_at=now)
    if after != VolunteerStatus.approved:
        values["shock_team"] = False
    result = await session.execute(update(VolunteerProfile).where(
        col(VolunteerProfile.id) == prof.id, col(VolunteerProfile.status) == before.value).values(**values))
    if not result.rowcount:
        await session.refresh(prof)
        raise _stale(prof)
    await session.refresh(prof)


async def _close_card(core: Core, session: AsyncSession, view: VolunteerView, me: Person, key: str) -> None:
    lang = core.cfg.bot.default_locale
    text = card_text(lang, view, with_phone=False) + "\n\n" + t(lang, key, name=me.name)
    await core.notifier.edit_card(session, card_ref(view.profile), text, [])


async def approve_volunteer(core: Core, actor: Actor, profile_id: int) -> VolunteerProfile:
    async with core.db.session() as s:
        me, view = await _decidable(s, actor, profile_id)
        prof = view.profile
        await _transition(s, prof, VolunteerStatus.pending, VolunteerStatus.approved, me, core.clock.now())
        if view.person.grid_id is None:
            view.person.grid_id = prof.grid_id
            s.add(view.person)
        await audit.record(s, me.id, "volunteer.approve", "volunteer", prof.id, grid_id=prof.grid_id)
        lang = core.lang(view.person.language)
        group = await volunteer_group_of(s, prof.grid_id)
        buttons: list[list[Button]] = []
        if group is None:
            extra = t(lang, "volunteers.no_group_yet")
        elif group.invite_link:
            extra = t(lang, "volunteers.join_group", group=group.title)
            buttons = [[Button(tp(lang, "volunteers.join_button"), url=group.invite_link)]]
        else:
            extra = t(lang, "volunteers.leader_adds_you", group=group.title)
        text = t(lang, "volunteers.approved_notice", grid=view.grid.name) + "\n\n" + extra
        if view.person.tg_user_id is not None:
            await core.notifier.send(s, f"{card_ref(prof)}:approved", OutMessage(
                chat_id=view.person.tg_user_id, text=text, buttons=buttons))
        await _close_card(core, s, view, me, "volunteers.card_approved_by")
        return prof


async def decline_volunteer(core: Core, actor: Actor, profile_id: int, reason: str | None = None) -> VolunteerProfile:
    reason = (reason or "").strip()[:300] or None
    async with core.db.session() as s:
        me, view = await _decidable(s, actor, profile_id)
        prof = view.profile
        await _transition(s, prof, VolunteerStatus.pending, VolunteerStatus.declined, me, core.clock.now())
        await audit.record(s, me.id, "volunteer.decline", "volunteer", prof.id, grid_id=prof.grid_id,
                           with_reason=reason is not None)
        lang = core.lang(view.person.language)
        text = t(lang, "volunteers.declined_notice", grid=view.grid.name)
        if reason:
            text += "\n" + t(lang, "volunteers.declined_reason", reason=reason)
        if view.person.tg_user_id is not None:
            await core.notifier.send(s, f"{card_ref(prof)}:declined", OutMessage(
                chat_id=view.person.tg_user_id, text=text))
        await _close_card(core, s, view, me, "volunteers.card_declined_by")
        return prof


async def suspend_volunteer(core: Core, actor: Actor, profile_id: int) -> VolunteerProfile:
    """An approved volunteer stops getting tasks and visits until reinstated."""
    return await _set_standing(core, actor, profile_id, VolunteerStatus.approved, VolunteerStatus.suspended,
                               "volunteer.suspend", "volunteers.suspended_notice")


async def reinstate_volunteer(core: Core, actor: Actor, profile_id: int) -> VolunteerProfile:
    return await _set_standing(core, actor, profile_id, VolunteerStatus.suspended, VolunteerStatus.approved,
                               "volunteer.reinstate", "volunteers.reinstated_notice")


async def _set_standing(core: Core, actor: Actor, profile_id: int, before: VolunteerStatus, after: VolunteerStatus,
                        action: str, notice: str) -> VolunteerProfile:
    async with core.db.session() as s:
        me, view = await _decidable(s, actor, profile_id)
        prof = view.profile
        await _transition(s, prof, before, after, me, core.clock.now())
        await audit.record(s, me.id, action, "volunteer", prof.id, grid_id=prof.grid_id)
        if view.person.tg_user_id is not None:
            lang = core.lang(view.person.language)
            await core.notifier.send(s, f"{action}:{prof.id}:{core.clock.now().timestamp():.3f}", OutMessage(
                chat_id=view.person.tg_user_id, text=t(lang, notice, grid=view.grid.name)))
        return prof


def _joined():  # type: ignore[no-untyped-def]
    """Profiles with their person, grid and community in one query (no query per row)."""
    return (select(VolunteerProfile, Person, Grid, Community)
            .join(Person, col(Person.id) == col(VolunteerProfile.person_id))
            .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
            .join(Community, col(Community.id) == col(Grid.community_id)))


async def _led(session: AsyncSession, actor: Actor) -> tuple[Person, Any]:
    """The actor and a SQL condition "the profile's grid is one they lead"; NotAllowed if none."""
    me = await ensure_person(session, actor)
    if me.is_superadmin:
        return me, true()
    leads = select(col(RoleGrant.grid_id)).where(col(RoleGrant.person_id) == me.id, col(RoleGrant.role) == RoleKind.leader.value)
    admin = select(col(RoleGrant.community_id)).where(col(RoleGrant.person_id) == me.id, col(RoleGrant.role) == RoleKind.admin.value)
    if not await session.scalar(select(col(RoleGrant.id)).where(col(RoleGrant.person_id) == me.id).limit(1)):
        raise NotAllowed("volunteers.leaders_only")
    return me, or_(col(VolunteerProfile.grid_id).in_(leads), col(Grid.community_id).in_(admin))


async def pending_volunteers(core: Core, actor: Actor) -> list[VolunteerView]:
    """Applications waiting in the grids this person leads (oldest first)."""
    async with core.db.session() as s:
        me, led = await _led(s, actor)
        rows = await s.execute(_joined().where(led, col(VolunteerProfile.person_id) != me.id,
                                            col(VolunteerProfile.status) == VolunteerStatus.pending.value)
                            .order_by(col(VolunteerProfile.consent_at), col(VolunteerProfile.id)))
        return [VolunteerView(*row) for row in rows.all()]


async def grid_volunteers(core: Core, actor: Actor, *, offset: int = 0,
                          limit: int = 24) -> tuple[list[VolunteerView], int]:
    """One page of the approved and suspended volunteers of the grids this person leads (by grid,
    then name) and how many there are in all."""
    async with core.db.session() as s:
        _, led = await _led(s, actor)
        live = (led, col(VolunteerProfile.status).in_([VolunteerStatus.approved.value,
                                                   VolunteerStatus.suspended.value]))
        total = await s.scalar(select(func.count()).select_from(VolunteerProfile)
                               .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id)).where(*live))
        rows = await s.execute(_joined().where(*live).order_by(col(Grid.name), col(Grid.id), col(Person.name), col(Person.id))
                            .offset(max(0, offset)).limit(limit))
        return [VolunteerView(*row) for row in rows.all()], int(total or 0)


async def end_pairings(session: AsyncSession, person_id: int) -> int:
    result = await session.execute(update(Pairing).where(
        col(Pairing.volunteer_id) == person_id, col(Pairing.active) == True).values(active=False))  # noqa: E712
    return int(result.rowcount or 0)
