"""Withdraw the open referral of a request or a meeting item, in the caller's transaction.

The statement moves the referral only from an open state (sent, accepted), so a department's answer
and the community's closing cannot both win: whichever writes the referral's row first decides, the
other finds it decided. The meeting writes the referral before the item, in the order a department's
answer does, so that on PostgreSQL neither waits on the other in a circle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.notices import Notice
from bot.services.kernel.roles import person_by_tg
from storage import audit
from storage.enums import OPEN_REFERRAL_STATUSES, ReferralStatus
from storage.models import Community, Department, Person, Referral
from storage.referral_reads import department_card_ref

OPEN = [st.value for st in OPEN_REFERRAL_STATUSES]


def _withdraw(column: Any) -> Any:
    return (
        update(Referral)
        .where(column == bindparam("key"), col(Referral.status).in_(OPEN))
        .values(status=ReferralStatus.withdrawn.value, decided_at=bindparam("now"))
        .returning(col(Referral.id), col(Referral.department_id), col(Referral.sent_by))
    )


# built once: every request closed or confirmed runs one of them (most find nothing to withdraw),
# and building the statement cost more than running it
_OF_REQUEST, _OF_ITEM = _withdraw(col(Referral.request_id)), _withdraw(col(Referral.issue_id))


@dataclass(frozen=True, kw_only=True)
class ReferralWithdrawn(Notice):
    """To the department's contact (an offline department's: the admin who forwarded it): the
    community settled it itself; no answer is needed, and the card's buttons change nothing now."""

    code: str
    department: str
    community: str
    item: bool = False


@dataclass(frozen=True, kw_only=True)
class ReferralCardWithdrawn(Notice):
    """The department's card itself, edited in every copy: withdrawn, no buttons, and none of the
    details it carried (an address or phone shared with the department goes from its chat)."""

    code: str
    department: str
    community: str
    item: bool = False


async def withdraw_referrals(
    core: Core,
    s: AsyncSession,
    by: int | None,
    now: datetime,
    *,
    code: str,
    request_id: int | None = None,
    issue_id: int | None = None,
) -> int:
    """Withdraw the open referral(s) of this request (or meeting item) and tell their departments;
    `by`: the person who settled it. Returns how many were withdrawn (none: one statement, no load)."""
    stmt = _OF_REQUEST if request_id is not None else _OF_ITEM
    key = request_id if request_id is not None else issue_id
    if key is None:
        return 0
    rows = (await s.execute(stmt, {"key": key, "now": now})).all()
    entity = "request" if request_id is not None else "visit_issue"
    item = issue_id is not None and request_id is None
    for ref_id, dep_id, sent_by in rows:
        await audit.record(s, by, "referral.withdrawn", entity, key, referral_id=ref_id)
        dep = await s.get(Department, dep_id)
        com = await s.get(Community, dep.community_id) if dep is not None else None
        if dep is None or com is None:
            continue
        card = ReferralCardWithdrawn(chat_id=0, code=code, department=dep.name, community=com.name, item=item)
        await core.notifier.edit_card(s, department_card_ref(ref_id), card)  # each copy in its reader's language
        if dep.tg_user_id is not None:
            to, contact = dep.tg_user_id, await person_by_tg(s, dep.tg_user_id)
        else:  # offline: the admin who records its answers, unless they are the one who closed it
            contact = await s.get(Person, sent_by) if sent_by else None
            if contact is None or contact.tg_user_id is None or contact.id == by:
                continue
            to = contact.tg_user_id
        notice = ReferralWithdrawn(
            chat_id=to,
            language=contact.language if contact is not None else None,
            code=code,
            department=dep.name,
            community=com.name,
            item=item,
        )
        await core.notifier.send(s, f"referral-withdrawn:{ref_id}", notice)
    return len(rows)
