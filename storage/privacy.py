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
from sqlmodel.ext.asyncio.session import AsyncSession

from .enums import OutboxStatus, VolunteerStatus
from .models import (ConversationState, HelpRequest, LoginToken, OutboxMessage, Pairing, Person, Rating, RoleGrant,
                     UserData, VolunteerProfile, WebSession)

FORGOTTEN_NOTE = "recipient erased their details"


@dataclass(frozen=True)
class Erased:
    requests: int
    notifications: int


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def erase_person(session: AsyncSession, person: Person, now: datetime) -> Erased:
    pid, tg = person.id, person.tg_user_id
    requests = list((await session.exec(select(HelpRequest).where(HelpRequest.resident_id == pid))).scalars())  # type: ignore[call-overload]
    secrets = {v for v in [person.phone] + [r.phone for r in requests] + [r.address for r in requests]
               if v and len(v.strip()) >= 4}
    for r in requests:
        r.address, r.phone, r.summary, r.close_reason, r.erased_at = None, None, "", None, r.erased_at or now
        session.add(r)
    await session.exec(update(Rating).where(Rating.resident_id == pid).values(comment=None))  # type: ignore[call-overload]
    await session.exec(update(VolunteerProfile).where(VolunteerProfile.person_id == pid).values(  # type: ignore[call-overload]
        skills="", availability="", party_member=False, work_group="resident", shock_team=False, consent_at=None,
        status=VolunteerStatus.left.value))
    await session.exec(delete(RoleGrant).where(RoleGrant.person_id == pid))  # type: ignore[call-overload]
    await session.exec(update(Pairing).where(Pairing.volunteer_id == pid).values(active=False))  # type: ignore[call-overload]
    await session.exec(delete(WebSession).where(WebSession.person_id == pid))  # type: ignore[call-overload]
    await session.exec(delete(LoginToken).where(LoginToken.person_id == pid))  # type: ignore[call-overload]
    notified = 0
    if tg is not None:
        await session.exec(delete(UserData).where(UserData.tg_user_id == tg))  # type: ignore[call-overload]
        await session.exec(delete(ConversationState).where(or_(  # type: ignore[call-overload]
            ConversationState.key == f"[{tg}]", ConversationState.key.like(f"%, {tg}]"))))  # type: ignore[attr-defined]
        await session.exec(update(OutboxMessage).where(  # type: ignore[call-overload]
            OutboxMessage.chat_id == tg, OutboxMessage.status == OutboxStatus.pending.value).values(
            status=OutboxStatus.skipped.value, last_error=FORGOTTEN_NOTE))
        result = await session.exec(update(OutboxMessage).where(OutboxMessage.chat_id == tg).values(payload="{}"))  # type: ignore[call-overload]
        notified += int(result.rowcount or 0)
    for value in secrets:  # notifications to others that quoted the phone or an address
        result = await session.exec(update(OutboxMessage).where(  # type: ignore[call-overload]
            OutboxMessage.payload.like(_like(value), escape="\\")).values(payload="{}"))  # type: ignore[attr-defined]
        notified += int(result.rowcount or 0)
    person.name, person.username, person.phone, person.language = "", None, None, None
    person.tg_user_id, person.forgotten_at, person.blocked_bot = None, now, False
    session.add(person)
    return Erased(requests=len(requests), notifications=notified)
