"""The department's side of 吹哨: accept, answer (the outcome the resident hears) or hand back, in
chat; an offline department's answers are recorded by an admin of the community. Past the deadline
with no answer, the referral is escalated to the community's admins (once) and counted in the digest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.inputs import clean_line
from bot.services.kernel.roles import Actor, admins_of, ensure_person, is_admin_of
from storage import audit
from storage.enums import OPEN_REFERRAL_STATUSES, ReferralStatus
from storage.models import Community, Department, Grid, HelpRequest, Person, Referral

from .notices import ReferralAnswered, ReferralUpdate

OPEN = [st.value for st in OPEN_REFERRAL_STATUSES]
BATCH = 200


@dataclass(frozen=True)
class Decided:
    kind: str
    code: str
    department: str


def clean_answer(text: str | None) -> str:
    return clean_line(text, max_len=1000, min_len=2, key="referrals.bad_answer", allow_newlines=True)


async def _load(
    s: AsyncSession, actor: Actor, referral_id: int
) -> tuple[Person, Referral, Department, HelpRequest, Community]:
    me = await ensure_person(s, actor)
    row = (
        await s.execute(
            select(Referral, Department, HelpRequest, Community)
            .join(Department, col(Department.id) == col(Referral.department_id))
            .join(HelpRequest, col(HelpRequest.id) == col(Referral.request_id))
            .join(Community, col(Community.id) == col(Department.community_id))
            .where(col(Referral.id) == referral_id)
        )
    ).first()
    if row is None:  # gone: its buttons' moment has passed
        raise Conflict("referrals.no_referral")
    ref, dep, req, com = row
    mine = dep.tg_user_id == me.tg_user_id if dep.tg_user_id is not None else await is_admin_of(s, me, com.id)
    if not mine:
        raise NotAllowed("referrals.not_yours")
    if ref.status not in OPEN:
        raise Conflict("referrals.already_decided")
    return me, ref, dep, req, com


async def check_can_answer(core: Core, actor: Actor, referral_id: int) -> str:
    """Before the answer is asked for: theirs and still open. Returns the request's code."""
    async with core.db.reading() as s:
        _, _, _, req, _ = await _load(s, actor, referral_id)
        return req.code or f"#{req.id}"


async def decide(core: Core, actor: Actor, referral_id: int, kind: ReferralStatus, answer: str = "") -> Decided:
    """accepted (from sent), answered or handed_back (from sent or accepted); once."""
    if kind == ReferralStatus.answered:
        answer = clean_answer(answer)
    frm = [ReferralStatus.sent.value] if kind == ReferralStatus.accepted else OPEN
    now = core.clock.now()
    async with core.db.session() as s:
        me, ref, dep, req, com = await _load(s, actor, referral_id)
        done = (
            await s.execute(
                update(Referral)
                .where(col(Referral.id) == ref.id, col(Referral.status).in_(frm))
                .values(status=kind.value, answer=answer, decided_at=now)
                .returning(col(Referral.id))
            )
        ).first()
        if done is None:
            raise Conflict("referrals.already_decided")
        code = req.code or f"#{req.id}"
        await audit.record(s, me.id, f"referral.{kind.value}", "request", req.id, referral_id=ref.id)
        for p in await _admins(s, ref, com):
            if p.tg_user_id is not None:
                await core.notifier.send(
                    s,
                    f"referral-{kind.value}:{ref.id}:{p.id}",
                    ReferralUpdate(
                        chat_id=p.tg_user_id,
                        language=p.language,
                        kind=kind.value,
                        code=code,
                        department=dep.name,
                        answer=answer,
                    ),
                )
        resident = await s.get(Person, req.resident_id) if req.resident_id else None
        if kind == ReferralStatus.answered and resident and resident.tg_user_id and resident.forgotten_at is None:
            await core.notifier.send(
                s,
                f"referral-answer:{ref.id}",
                ReferralAnswered(
                    chat_id=resident.tg_user_id,
                    language=resident.language,
                    code=code,
                    department=dep.name,
                    answer=answer,
                ),
            )
        return Decided(kind.value, code, dep.name)


async def _admins(s: AsyncSession, ref: Referral, com: Community) -> list[Person]:
    """Who hears of it: the admin who forwarded it, else the community's admins."""
    sender = await s.get(Person, ref.sent_by) if ref.sent_by else None
    if sender is not None and sender.forgotten_at is None and await is_admin_of(s, sender, com.id):
        return [sender]
    return await admins_of(s, stored_id(com.id))


async def escalate_overdue_referrals(core: Core) -> int:
    """Referrals past their deadline with no answer: escalated once, the community's admins told."""
    now = core.clock.now()
    told = 0
    async with core.db.session() as s:
        due = (
            await s.execute(
                select(Referral, Department, HelpRequest, Grid)
                .join(Department, col(Department.id) == col(Referral.department_id))
                .join(HelpRequest, col(HelpRequest.id) == col(Referral.request_id))
                .join(Grid, col(Grid.id) == col(HelpRequest.grid_id))
                .where(col(Referral.status).in_(OPEN), col(Referral.due_at) < now, col(Referral.escalated_at).is_(None))
                .order_by(col(Referral.id))
                .limit(BATCH)
            )
        ).all()
        for ref, dep, req, grid in due:
            hit = (
                await s.execute(
                    update(Referral)
                    .where(col(Referral.id) == ref.id, col(Referral.escalated_at).is_(None))
                    .values(escalated_at=now)
                    .returning(col(Referral.id))
                )
            ).first()
            if hit is None:
                continue
            await audit.record(s, None, "referral.overdue", "request", req.id, referral_id=ref.id)
            for p in await admins_of(s, grid.community_id):
                if p.tg_user_id is None:
                    continue
                told += await core.notifier.send(
                    s,
                    f"referral-overdue:{ref.id}:{p.id}",
                    ReferralUpdate(
                        chat_id=p.tg_user_id,
                        language=p.language,
                        kind="overdue",
                        code=req.code or f"#{req.id}",
                        department=dep.name,
                    ),
                    urgent=True,
                )
    return told
