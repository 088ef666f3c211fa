"""Erasing one person's personal details in one transaction (/forgetme).

What goes: name, username, phone, Telegram id (so the row can no longer be tied to the person),
language; addresses, phones and free text of the requests they asked for; their rating comments;
the personal fields of their volunteer profile; their roles, pairings, dashboard logins, drafts,
conversation states; the texts of notifications sent to them or quoting their phone or addresses.
What stays, under the now anonymous row: counts, statuses, times, stars, hours and points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .enums import OutboxStatus, VolunteerStatus
from .models import (
    BuildingHead,
    ConversationState,
    HelpRequest,
    LoginToken,
    OutboxMessage,
    Pairing,
    Person,
    ProofPhoto,
    Rating,
    RoleGrant,
    UserData,
    VolunteerProfile,
    WebSession,
)
from .rows import affected

FORGOTTEN_NOTE = "recipient erased their details"


@dataclass(frozen=True)
class Erased:
    requests: int
    notifications: int


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def erase_person(session: AsyncSession, person: Person, now: datetime) -> Erased:
    pid, tg = person.id, person.tg_user_id
    requests = list((await session.execute(select(HelpRequest).where(col(HelpRequest.resident_id) == pid))).scalars())
    secrets = {
        v
        for v in [person.phone] + [r.phone for r in requests] + [r.address for r in requests]
        if v and len(v.strip()) >= 4
    }
    for r in requests:
        r.address, r.phone, r.summary, r.close_reason, r.erased_at = None, None, "", None, r.erased_at or now
        session.add(r)
    if requests:  # photos of their tasks may show their home
        await session.execute(delete(ProofPhoto).where(col(ProofPhoto.request_id).in_([r.id for r in requests])))
    await session.execute(update(Rating).where(col(Rating.resident_id) == pid).values(comment=None))
    await session.execute(
        update(VolunteerProfile)
        .where(col(VolunteerProfile.person_id) == pid)
        .values(
            skills="",
            availability="",
            party_member=False,
            work_group="resident",
            shock_team=False,
            consent_at=None,
            status=VolunteerStatus.left.value,
        )
    )
    await session.execute(delete(RoleGrant).where(col(RoleGrant.person_id) == pid))
    await session.execute(delete(BuildingHead).where(col(BuildingHead.person_id) == pid))
    await session.execute(update(Pairing).where(col(Pairing.volunteer_id) == pid).values(active=False))
    await session.execute(delete(WebSession).where(col(WebSession.person_id) == pid))
    await session.execute(delete(LoginToken).where(col(LoginToken.person_id) == pid))
    notified = 0
    if tg is not None:
        await session.execute(delete(UserData).where(col(UserData.tg_user_id) == tg))
        await session.execute(
            delete(ConversationState).where(
                or_(col(ConversationState.key) == f"[{tg}]", col(ConversationState.key).like(f"%, {tg}]"))
            )
        )
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.chat_id) == tg, col(OutboxMessage.status) == OutboxStatus.pending.value)
            .values(status=OutboxStatus.skipped.value, last_error=FORGOTTEN_NOTE)
        )
        result = await session.execute(
            update(OutboxMessage).where(col(OutboxMessage.chat_id) == tg).values(payload="{}")
        )
        notified += affected(result)
    for value in secrets:  # notifications to others that quoted the phone or an address
        result = await session.execute(
            update(OutboxMessage).where(col(OutboxMessage.payload).like(_like(value), escape="\\")).values(payload="{}")
        )
        notified += affected(result)
    person.name, person.username, person.phone, person.language = "", None, None, None
    person.tg_user_id, person.forgotten_at, person.blocked_bot = None, now, False
    session.add(person)
    return Erased(requests=len(requests), notifications=notified)
