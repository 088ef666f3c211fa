"""双报到: a volunteer signs up with the grid they live in, and keeps their own profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.inputs import clean_line, clean_name, clean_phone
from bot.services.kernel.roles import Actor, ensure_person
from bot.services.people.notices import ApplicationWithdrawn, VolunteerLeft
from bot.services.people.volunteers import (
    VolunteerView,
    card_ref,
    deciders_of,
    end_pairings,
    post_application_cards,
    view_of,
)
from storage import audit
from storage.enums import Skill, VolunteerStatus, WorkGroup
from storage.models import Grid, Person, UnitCommunity, VolunteerProfile
from storage.rows import key_of

SKILLS = [s.value for s in Skill]
WORK_GROUPS = [w.value for w in WorkGroup]


@dataclass(frozen=True)
class Signup:
    """A checked sign-up, ready to store."""

    name: str
    phone: str
    grid_id: int
    work_group: str
    party_member: bool
    skills: tuple[str, ...]
    availability: str
    unit_id: int | None = None  # their work unit (包联单位), one paired with the grid's community


def clean_availability(text: str | None) -> str:
    return clean_line(text, max_len=200, min_len=2, key="volunteers.bad_availability", allow_newlines=True)


def clean_work_group(value: str | None) -> str:
    if value is None or value not in WORK_GROUPS:
        raise InvalidInput("volunteers.bad_work_group")
    return value


def clean_skills(values: Any) -> tuple[str, ...]:
    if not isinstance(values, (list, tuple)) or not values or any(v not in SKILLS for v in values):
        raise InvalidInput("volunteers.skills_needed")
    return tuple(v for v in SKILLS if v in values)  # catalogue order, no duplicates


def check_draft(draft: dict[str, Any]) -> Signup:
    """Every field of a sign-up draft (a conversation's user_data), checked again before storing."""
    if draft.get("consent") is not True:
        raise InvalidInput("volunteers.consent_needed")
    party = draft.get("party_member")
    if not isinstance(party, bool):
        raise InvalidInput("volunteers.bad_party")
    grid_id = draft.get("grid_id")
    if not isinstance(grid_id, int):
        raise InvalidInput("volunteers.choose_grid_first")
    return Signup(
        name=clean_name(draft.get("name")),
        phone=clean_phone(draft.get("phone")),
        grid_id=grid_id,
        work_group=clean_work_group(draft.get("work_group")),
        party_member=party,
        skills=clean_skills(draft.get("skills")),
        availability=clean_availability(draft.get("availability")),
        unit_id=_unit_choice(draft.get("unit_id")),
    )


def _unit_choice(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not row_id(value):
        raise InvalidInput("units.bad_unit")
    return value


async def _check_unit(session: AsyncSession, unit_id: int | None, grid_id: int) -> None:
    """A volunteer's unit must be paired with the community they serve in (a unit unpaired since the
    buttons were drawn, or a forged id, is refused)."""
    if unit_id is None:
        return
    paired = await session.scalar(
        select(col(UnitCommunity.id))
        .join(Grid, col(Grid.community_id) == col(UnitCommunity.community_id))
        .where(col(UnitCommunity.unit_id) == unit_id, col(Grid.id) == grid_id)
    )
    if paired is None:
        raise InvalidInput("units.not_paired_here")


async def _profile(session: AsyncSession, person: Person) -> VolunteerProfile | None:
    return (
        (await session.execute(select(VolunteerProfile).where(col(VolunteerProfile.person_id) == person.id)))
        .scalars()
        .first()
    )


def _refuse_reapply(profile: VolunteerProfile | None) -> None:
    if profile is None or profile.status in (VolunteerStatus.declined.value, VolunteerStatus.left.value):
        return
    if profile.status == VolunteerStatus.approved.value:
        raise Conflict("volunteers.you_are_volunteer")
    if profile.status == VolunteerStatus.pending.value:
        raise Conflict("volunteers.you_are_pending")
    raise NotAllowed("volunteers.you_are_suspended")


async def can_sign_up(core: Core, actor: Actor) -> None:
    """Before the first question: refuse people who are volunteers already, waiting, or suspended."""
    async with core.db.session() as s:
        _refuse_reapply(await _profile(s, await ensure_person(s, actor)))


async def submit_signup(core: Core, actor: Actor, draft: dict[str, Any]) -> VolunteerProfile:
    """Store the application (pending) and send a card to the grid's leaders."""
    signup = check_draft(draft)
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grid = await s.get(Grid, signup.grid_id)
        if grid is None:
            raise NotFound("places.grid_not_found")
        profile = await _profile(s, person)
        _refuse_reapply(profile)
        await _check_unit(s, signup.unit_id, key_of(grid))
        now = core.clock.now()
        if profile is None:
            profile = VolunteerProfile(person_id=key_of(person), grid_id=signup.grid_id, created_at=now)
        profile.grid_id, profile.status = signup.grid_id, VolunteerStatus.pending.value
        profile.work_group, profile.party_member = signup.work_group, signup.party_member
        profile.skills, profile.availability = ",".join(signup.skills), signup.availability
        profile.consent_at, profile.decided_by, profile.decided_at, profile.shock_team = now, None, None, False
        profile.unit_id = signup.unit_id
        person.name, person.phone = signup.name, signup.phone
        person.grid_id = person.grid_id or signup.grid_id
        s.add_all([profile, person])
        await s.flush()
        await audit.record(
            s,
            person.id,
            "volunteer.apply",
            "volunteer",
            profile.id,
            grid_id=grid.id,
            work_group=signup.work_group,
            skills=list(signup.skills),
            unit_id=signup.unit_id,
        )
        await post_application_cards(core, s, await view_of(s, profile))
        return profile


async def my_profile(core: Core, actor: Actor) -> VolunteerView | None:
    async with core.db.session() as s:
        profile = await _profile(s, await ensure_person(s, actor))
        return None if profile is None else await view_of(s, profile)


EDITABLE = ("name", "phone", "availability", "skills", "work_group", "party_member", "shock_team", "unit")


async def update_profile(core: Core, actor: Actor, field: str, value: Any) -> VolunteerView:
    """A volunteer edits one field of their own profile (not their grid: that needs a new sign-up)."""
    if field not in EDITABLE:
        raise InvalidInput("volunteers.bad_field")
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        profile = await _profile(s, person)
        if profile is None or profile.status in (VolunteerStatus.left.value, VolunteerStatus.declined.value):
            raise NotFound("volunteers.no_profile")
        if field == "name":
            person.name = clean_name(value)
        elif field == "phone":
            person.phone = clean_phone(value)
        elif field == "availability":
            profile.availability = clean_availability(value)
        elif field == "skills":
            profile.skills = ",".join(clean_skills(value))
        elif field == "work_group":
            profile.work_group = clean_work_group(value)
        elif field == "party_member":
            profile.party_member = bool(value)
        elif field == "unit":
            unit_id = _unit_choice(value)
            await _check_unit(s, unit_id, profile.grid_id)
            profile.unit_id = unit_id
        else:
            if profile.status != VolunteerStatus.approved.value:
                raise NotAllowed("volunteers.shock_team_approved_only")
            profile.shock_team = bool(value)
        s.add_all([person, profile])
        await audit.record(
            s,
            person.id,
            "volunteer.edit",
            "volunteer",
            profile.id,
            field=field,
            **({"unit_id": value} if field == "unit" else {}),
        )
        return await view_of(s, profile)


async def leave_programme(core: Core, actor: Actor) -> VolunteerProfile:
    """The volunteer leaves: no more tasks, visits or call-ups; their households need a new volunteer."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        profile = await _profile(s, person)
        if profile is None:
            raise NotFound("volunteers.no_profile")
        if profile.status in (VolunteerStatus.left.value, VolunteerStatus.declined.value):  # an old "yes, leave"
            raise Conflict("volunteers.no_profile")
        was = profile.status
        profile.status, profile.shock_team = VolunteerStatus.left.value, False
        s.add(profile)
        ended = await end_pairings(s, key_of(person))
        await audit.record(s, person.id, "volunteer.leave", "volunteer", profile.id, was=was, pairings_ended=ended)
        view = await view_of(s, profile)
        if was == VolunteerStatus.pending.value:
            await core.notifier.edit_card(s, card_ref(profile), ApplicationWithdrawn(chat_id=0, name=person.name))
        for leader, chat in await deciders_of(s, view.grid):
            await core.notifier.send(
                s,
                f"{card_ref(profile)}:left:{leader.id}",
                VolunteerLeft(
                    chat_id=chat, language=leader.language, name=person.name, grid=view.grid.name, households=ended
                ),
            )
        return profile
