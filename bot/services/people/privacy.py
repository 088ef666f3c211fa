"""/forgetme: a person erases their personal details; the community keeps anonymous figures.

Not while something still depends on those details: open requests (the volunteer needs the
address), tasks being done, or a leader's or admin's role (someone must take it over first).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, DomainError, NotAllowed
from bot.services.kernel.roles import Actor, person_by_tg
from storage import audit
from storage.enums import ACTIVE_ASSIGNMENT_STATUSES, OPEN_REQUEST_STATUSES
from storage.models import Assignment, HelpRequest, Person, RoleGrant
from storage.privacy import erase_person

log = logging.getLogger(__name__)
CONFIRM_MINUTES = 10  # a confirmation button older than this is refused


class StillNeeded(DomainError):
    key = "privacy.error.open_requests"


@dataclass(frozen=True)
class Forgotten:
    person_id: int
    requests_erased: int


def confirmation_stamp(core: Core) -> int:
    """Minutes since the epoch, carried in the confirm button so old buttons expire."""
    return int(core.clock.now().timestamp() // 60)


async def check_can_forget(core: Core, actor: Actor) -> None:
    """Raise StillNeeded (with the reason's key) if the details are still needed."""
    async with core.db.session() as s:
        person = await person_by_tg(s, actor.tg_user_id)
        if person is not None:
            await _still_needed(s, person)


async def _still_needed(s: AsyncSession, person: Person) -> None:
    open_requests = await s.scalar(
        select(func.count())
        .select_from(HelpRequest)
        .where(
            col(HelpRequest.resident_id) == person.id,
            col(HelpRequest.status).in_([st.value for st in OPEN_REQUEST_STATUSES]),
        )
    )
    if open_requests:
        raise StillNeeded("privacy.error.open_requests", n=open_requests)
    tasks = await s.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(
            col(Assignment.volunteer_id) == person.id,
            col(Assignment.status).in_([st.value for st in ACTIVE_ASSIGNMENT_STATUSES]),
        )
    )
    if tasks:
        raise StillNeeded("privacy.error.active_tasks", n=tasks)
    roles = await s.scalar(select(func.count()).select_from(RoleGrant).where(col(RoleGrant.person_id) == person.id))
    if roles or person.is_superadmin:
        raise StillNeeded("privacy.error.roles")


async def forget_me(core: Core, actor: Actor, *, for_user: int, stamp: int) -> Forgotten | None:
    """Erase the actor's personal details. `for_user` and `stamp` come from the confirm button:
    only that user may confirm, within CONFIRM_MINUTES. None if there was nothing to erase."""
    if for_user != actor.tg_user_id:
        raise NotAllowed("privacy.error.not_yours")
    if not 0 <= confirmation_stamp(core) - stamp <= CONFIRM_MINUTES:
        raise Conflict("privacy.error.expired")
    async with core.db.session() as s:
        person = await person_by_tg(s, actor.tg_user_id)
        if person is None or person.id is None:
            return None
        await _still_needed(s, person)
        erased = await erase_person(s, person, core.clock.now())
        await audit.record(s, person.id, "privacy.forget", "person", person.id)
    log.info("person %s erased their personal details", person.id)
    return Forgotten(person_id=person.id, requests_erased=erased.requests)
