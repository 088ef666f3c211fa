"""A person's "/" menu follows their roles. A service that changes someone's roles calls `queue_menu`
in the same transaction: the notice says what the person is now (facts, no words), the views turn it
into the menus of their private chat in both languages, and the outbox sets them after commit.
People with no role keep no menu of their own: they see the residents' menu set at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import VolunteerStatus
from storage.models import Person

from .notices import Notice
from .notifier import Notifier
from .roles import Actor, RoleSummary, person_by_tg, role_summary, roles_in

if TYPE_CHECKING:
    from .core import Core


@dataclass(frozen=True, kw_only=True)
class MenuChanged(Notice):
    """The menu of `chat_id`'s private chat, for what the person now is."""

    volunteer: bool = False
    leads: bool = False
    admin: bool = False

    @property
    def resident_only(self) -> bool:
        return not (self.volunteer or self.leads or self.admin)


def _notice(person: Person, summary: RoleSummary) -> MenuChanged:
    assert person.tg_user_id is not None
    return MenuChanged(
        chat_id=person.tg_user_id,
        language=person.language,
        volunteer=summary.volunteer_status == VolunteerStatus.approved.value,
        leads=summary.leads,
        admin=summary.admin,
    )


async def queue_menu(notifier: Notifier, session: AsyncSession, person: Person) -> None:
    """Queue `person`'s menu as their roles stand in this transaction (a role just granted or taken)."""
    if person.tg_user_id is None:
        return
    await session.flush()
    notice = _notice(person, await roles_in(session, person))
    # a role may change back and forth: each change is its own row (a rolled-back one leaves none)
    await notifier.send(session, f"menu:{person.tg_user_id}:{uuid4().hex}", notice)


async def start_summary(core: Core, actor: Actor, version: str) -> RoleSummary:
    """What this person is, for /start; and a person with a role gets their own menu once per wording
    of the menus (`version`, from the views) and set of roles: people who held their roles before
    menus followed roles, or whose menu's words changed since, have it set when they next press /start."""
    summary = await role_summary(core, actor)
    if summary.volunteer_status == VolunteerStatus.approved.value or summary.leads or summary.admin:
        async with core.db.session() as s:
            person = await person_by_tg(s, actor.tg_user_id)
            if person is not None and person.tg_user_id is not None:
                notice = _notice(person, await roles_in(s, person))
                roles = "".join("1" if r else "0" for r in (notice.volunteer, notice.leads, notice.admin))
                await core.notifier.send(s, f"menu:{person.tg_user_id}:{version}:{roles}", notice)
    return summary
