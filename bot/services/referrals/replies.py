"""The department's side of 吹哨: accept, answer (the outcome) or hand back, in chat; an offline
department's answers are recorded by an admin of the community. A request's resident hears the
answer or the hand-back; a meeting item's answer closes it and asks its household's paired volunteer
to tell the household. A hand-back may say why (the admin and the resident hear the reason). Each
decision, and a missed deadline, is told once to the community's side: the admin who forwarded it
(else the community's admins) and the grid's leaders. Past the deadline with no answer, the referral
is escalated (once) and counted in the digest. A referral the community withdrew (it settled the
matter itself) takes no decision: the department's old buttons say so."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services import meetings
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.ids import row_id, stored_id
from bot.services.kernel.inputs import clean_line
from bot.services.kernel.roles import Actor, admins_of, ensure_person, is_admin_of, leaders_of
from storage import audit
from storage.enums import OPEN_REFERRAL_STATUSES, ReferralStatus
from storage.models import Community, Department, Person, Referral

from .cards import Subject, subject_of
from .notices import ReferralAnswered, ReferralHandedBack, ReferralUpdate

OPEN = [st.value for st in OPEN_REFERRAL_STATUSES]
BATCH = 200


@dataclass(frozen=True)
class Decided:
    kind: str
    code: str
    department: str
    item: bool = False


REASON_MAX = 300


def clean_answer(text: str | None) -> str:
    return clean_line(text, max_len=1000, min_len=2, key="referrals.bad_answer", allow_newlines=True)


def clean_reason(text: str | None) -> str:
    """A hand-back's reason: one short line (the Skip button gives none)."""
    return clean_line(text, max_len=REASON_MAX, min_len=2, key="referrals.bad_reason")


def _refused(status: str) -> Conflict:
    """Why a decision cannot be taken on a referral that is no longer open."""
    if status == ReferralStatus.withdrawn.value:
        return Conflict("referrals.withdrawn_already")
    return Conflict("referrals.already_decided")


async def _load(
    s: AsyncSession, actor: Actor, referral_id: int
) -> tuple[Person, Referral, Department, Subject, Community]:
    me = await ensure_person(s, actor)
    row = (
        await s.execute(
            select(Referral, Department, Community)
            .join(Department, col(Department.id) == col(Referral.department_id))
            .join(Community, col(Community.id) == col(Department.community_id))
            .where(col(Referral.id) == row_id(referral_id))
        )
    ).first()
    sub = await subject_of(s, row[0]) if row is not None else None
    if row is None or sub is None:  # gone: its buttons' moment has passed
        raise Conflict("referrals.no_referral")
    ref, dep, com = row
    mine = dep.tg_user_id == me.tg_user_id if dep.tg_user_id is not None else await is_admin_of(s, me, com.id)
    if not mine:
        raise NotAllowed("referrals.not_yours")
    if ref.status not in OPEN:
        raise _refused(ref.status)
    return me, ref, dep, sub, com


async def check_can_answer(core: Core, actor: Actor, referral_id: int) -> tuple[str, bool]:
    """Before the answer is asked for: theirs and still open. Returns its code, and whether it is a meeting item."""
    async with core.db.reading() as s:
        _, _, _, sub, _ = await _load(s, actor, referral_id)
        return sub.code, sub.item


async def decide(core: Core, actor: Actor, referral_id: int, kind: ReferralStatus, answer: str = "") -> Decided:
    """accepted (from sent), answered or handed_back (from sent or accepted); once. `answer`: the
    outcome (answered) or the reason, possibly none (handed_back)."""
    if kind == ReferralStatus.answered:
        answer = clean_answer(answer)
    elif kind == ReferralStatus.handed_back:
        answer = clean_reason(answer) if answer else ""
    else:
        answer = ""
    frm = [ReferralStatus.sent.value] if kind == ReferralStatus.accepted else OPEN
    now = core.clock.now()
    async with core.db.session() as s:
        me, ref, dep, sub, com = await _load(s, actor, referral_id)
        done = (
            await s.execute(
                update(Referral)
                .where(col(Referral.id) == ref.id, col(Referral.status).in_(frm))
                .values(status=kind.value, answer=answer, decided_at=now)
                .returning(col(Referral.id))
            )
        ).first()
        if done is None:  # decided meanwhile, or withdrawn by the community
            raise _refused(await s.scalar(select(col(Referral.status)).where(col(Referral.id) == ref.id)) or "")
        entity, entity_id = ("visit_issue", ref.issue_id) if sub.item else ("request", ref.request_id)
        await audit.record(s, me.id, f"referral.{kind.value}", entity, entity_id, referral_id=ref.id)
        settled = not sub.closed  # an item's answer closes it (False: the meeting had closed it already)
        if sub.item and kind == ReferralStatus.answered and ref.issue_id is not None:
            settled = await meetings.close_with_outcome(core, s, ref.issue_id, answer, me, now, department=dep.name)
        for p in await _told(s, ref, com, sub):
            if p.tg_user_id is not None:
                await core.notifier.send(
                    s,
                    f"referral-{kind.value}:{ref.id}:{p.id}",
                    ReferralUpdate(
                        chat_id=p.tg_user_id,
                        language=p.language,
                        kind=kind.value,
                        code=sub.code,
                        department=dep.name,
                        answer=answer,
                        item=sub.item,
                        settled=settled,
                    ),
                )
        await _tell_resident(core, s, ref, dep, sub, kind, answer)
        return Decided(kind.value, sub.code, dep.name, sub.item)


async def _tell_resident(
    core: Core, s: AsyncSession, ref: Referral, dep: Department, sub: Subject, kind: ReferralStatus, answer: str
) -> None:
    """A request's resident hears the outcome, or that the community has it back (accepting is no news)."""
    resident = await s.get(Person, sub.resident_id) if sub.resident_id else None
    if resident is None or resident.tg_user_id is None or resident.forgotten_at is not None or sub.erased:
        return
    chat, lang = resident.tg_user_id, resident.language
    if kind == ReferralStatus.answered:
        notice: ReferralAnswered | ReferralHandedBack = ReferralAnswered(
            chat_id=chat, language=lang, code=sub.code, department=dep.name, answer=answer
        )
        await core.notifier.send(s, f"referral-answer:{ref.id}", notice)
    elif kind == ReferralStatus.handed_back:
        notice = ReferralHandedBack(chat_id=chat, language=lang, code=sub.code, department=dep.name, reason=answer)
        await core.notifier.send(s, f"referral-back:{ref.id}", notice)


async def _told(s: AsyncSession, ref: Referral, com: Community, sub: Subject) -> list[Person]:
    """Who hears of a decision: the admin who forwarded it (else the community's admins) and the
    grid's leaders, each once."""
    sender = await s.get(Person, ref.sent_by) if ref.sent_by else None
    if sender is not None and sender.forgotten_at is None and await is_admin_of(s, sender, com.id):
        admins = [sender]
    else:
        admins = await admins_of(s, stored_id(com.id))
    return _once([*admins, *await leaders_of(s, sub.grid_id)])


def _once(people: list[Person]) -> list[Person]:
    seen: set[int | None] = set()
    out = []
    for p in people:
        if p.id not in seen and p.forgotten_at is None:
            seen.add(p.id)
            out.append(p)
    return out


async def escalate_overdue_referrals(core: Core) -> int:
    """Referrals past their deadline with no answer: escalated once, the community's admins told."""
    now = core.clock.now()
    told = 0
    async with core.db.session() as s:
        due = (
            await s.execute(
                select(Referral, Department)
                .join(Department, col(Department.id) == col(Referral.department_id))
                .where(col(Referral.status).in_(OPEN), col(Referral.due_at) < now, col(Referral.escalated_at).is_(None))
                .order_by(col(Referral.id))
                .limit(BATCH)
            )
        ).all()
        for ref, dep in due:
            hit = (
                await s.execute(
                    update(Referral)
                    .where(col(Referral.id) == ref.id, col(Referral.escalated_at).is_(None))
                    .values(escalated_at=now)
                    .returning(col(Referral.id))
                )
            ).first()
            sub = await subject_of(s, ref)
            if hit is None or sub is None:
                continue
            entity, entity_id = ("visit_issue", ref.issue_id) if sub.item else ("request", ref.request_id)
            await audit.record(s, None, "referral.overdue", entity, entity_id, referral_id=ref.id)
            for p in _once([*await admins_of(s, dep.community_id), *await leaders_of(s, sub.grid_id)]):
                if p.tg_user_id is None:
                    continue
                told += await core.notifier.send(
                    s,
                    f"referral-overdue:{ref.id}:{p.id}",
                    ReferralUpdate(
                        chat_id=p.tg_user_id,
                        language=p.language,
                        kind="overdue",
                        code=sub.code,
                        department=dep.name,
                        item=sub.item,
                    ),
                    urgent=True,
                )
    return told
