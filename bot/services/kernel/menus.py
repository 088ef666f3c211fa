"""A person's "/" menu follows their roles. A service that changes someone's roles calls `queue_menu`
in the same transaction: the notice says what the person is now (facts, no words), the views turn it
into the menus of their private chat in both languages, and the outbox sets them after commit.
People with no role keep no menu of their own: they see the residents' menu set at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import VolunteerStatus
from storage.models import Person

from .notices import Notice
from .notifier import Notifier
from .roles import roles_in


@dataclass(frozen=True, kw_only=True)
class MenuChanged(Notice):
    """The menu of `chat_id`'s private chat, for what the person now is."""

    volunteer: bool = False
    leads: bool = False
    admin: bool = False

    @property
    def resident_only(self) -> bool:
        return not (self.volunteer or self.leads or self.admin)


async def queue_menu(notifier: Notifier, session: AsyncSession, person: Person) -> None:
    """Queue `person`'s menu as their roles stand in this transaction (a role just granted or taken)."""
    if person.tg_user_id is None:
        return
    await session.flush()
    summary = await roles_in(session, person)
    notice = MenuChanged(
        chat_id=person.tg_user_id,
        language=person.language,
        volunteer=summary.volunteer_status == VolunteerStatus.approved.value,
        leads=summary.leads,
        admin=summary.admin,
    )
    # a role may change back and forth: each change is its own row (a rolled-back one leaves none)
    await notifier.send(session, f"menu:{person.tg_user_id}:{uuid4().hex}", notice)
