"""The request card (group and leaders' copies) and the private task details.

The card goes to group chats: category, summary (phone-like digits masked), when, slots,
skills that fit, who took it. NEVER the address or the phone.
"""
from __future__ import annotations

from sqlmodel import col

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t, tp
from storage.enums import Category, ChatKind, RequestStatus, Skill, WhenKind
from storage.card_reads import LeadCopy, Taker, card_audience, lead_ref_prefix
from storage.models import ChatBinding, Grid, HelpRequest, Person

from bot.services.kernel.core import Core
from bot.services.kernel.notifier import Button, OutMessage
from bot.services.people.roles import admins_of, leaders_of
from bot.services.requests.common import taker_name, taker_names
from bot.services.requests.fields import mask_phones

CATEGORY_KEYS = {
    Category.micro_wish.value: "request.category.micro_wish", Category.elder_care.value: "request.category.elder_care",
    Category.repairs.value: "request.category.repairs", Category.errands.value: "request.category.errands",
    Category.health.value: "request.category.health", Category.paperwork.value: "request.category.paperwork",
    Category.moving.value: "request.category.moving", Category.other.value: "request.category.other",
}
WHEN_KEYS = {WhenKind.urgent.value: "request.when.urgent", WhenKind.today.value: "request.when.today",
             WhenKind.this_week.value: "request.when.this_week", WhenKind.date.value: "request.when.date"}
STATUS_KEYS = {
    RequestStatus.open.value: "request.status.open", RequestStatus.filled.value: "request.status.filled",
    RequestStatus.done_reported.value: "request.status.done_reported",
    RequestStatus.completed.value: "request.status.completed", RequestStatus.cancelled.value: "request.status.cancelled",
    RequestStatus.closed.value: "request.status.closed", RequestStatus.out_of_scope.value: "request.status.out_of_scope",
    RequestStatus.duplicate.value: "request.status.duplicate",
}
SKILL_KEYS = {
    Skill.elder_care.value: "request.skill.elder_care", Skill.repairs.value: "request.skill.repairs",
    Skill.paperwork.value: "request.skill.paperwork", Skill.health.value: "request.skill.health",
    Skill.haircut.value: "request.skill.haircut", Skill.tutoring.value: "request.skill.tutoring",
    Skill.legal.value: "request.skill.legal", Skill.psychology.value: "request.skill.psychology",
    Skill.transport.value: "request.skill.transport", Skill.moving.value: "request.skill.moving",
}
# which volunteer skills suit a category (the card says so; the leader's volunteer list marks them)
SKILL_FIT: dict[str, list[str]] = {
    Category.elder_care.value: [Skill.elder_care.value, Skill.health.value],
    Category.repairs.value: [Skill.repairs.value], Category.errands.value: [Skill.transport.value],
    Category.health.value: [Skill.health.value, Skill.elder_care.value],
    Category.paperwork.value: [Skill.paperwork.value, Skill.legal.value],
    Category.moving.value: [Skill.moving.value, Skill.transport.value],
    Category.micro_wish.value: [], Category.other.value: [],
}
WEEKDAY_KEYS = ["request.weekday.mon", "request.weekday.tue", "request.weekday.wed", "request.weekday.thu",
                "request.weekday.fri", "request.weekday.sat", "request.weekday.sun"]
MONTH_KEYS = ["request.month.1", "request.month.2", "request.month.3", "request.month.4", "request.month.5",
              "request.month.6", "request.month.7", "request.month.8", "request.month.9", "request.month.10",
              "request.month.11", "request.month.12"]


def category_label(lang: str, category: str) -> str:
    return tp(lang, CATEGORY_KEYS.get(category, "request.category.other"))


def status_label(lang: str, status: str) -> str:
    return tp(lang, STATUS_KEYS.get(status, "request.status.open"))


def date_label(lang: str, day: date) -> str:
    return tp(lang, "request.when.date", month=tp(lang, MONTH_KEYS[day.month - 1]), day=day.day,
              weekday=tp(lang, WEEKDAY_KEYS[day.weekday()]))


def when_label(lang: str, when_kind: str, when_date: str | None) -> str:
    if when_kind == WhenKind.date.value and when_date:
        try:
            return date_label(lang, date.fromisoformat(when_date))
        except ValueError:
            pass
    return tp(lang, WHEN_KEYS.get(when_kind, "request.when.this_week"))


def skills_fit(category: str) -> list[str]:
    return SKILL_FIT.get(category, [])


def skills_label(lang: str, skills: list[str]) -> str:
    return "、".join(tp(lang, SKILL_KEYS[s]) for s in skills if s in SKILL_KEYS) if lang == "zh-CN" else \
        ", ".join(tp(lang, SKILL_KEYS[s]) for s in skills if s in SKILL_KEYS)


def card_text(lang: str, req: HelpRequest, takers: list[str], note_key: str | None = None) -> str:
    """The public card: no address, no phone (and phone-like digits in the summary masked)."""
    lines = [t(lang, "request.card.head", code=req.code or "", category=category_label(lang, req.category)),
             t(lang, "request.card.summary", summary=mask_phones(req.summary)),
             t(lang, "request.card.when", when=when_label(lang, req.when_kind, req.when_date))]
    if req.status == RequestStatus.open.value:
        lines.append(t(lang, "request.card.slots", slots=req.slots, left=req.slots - req.slots_taken))
    fit = skills_fit(req.category)
    if fit:
        lines.append(t(lang, "request.card.skills", skills=skills_label(lang, fit)))
    sep = "、" if lang == "zh-CN" else ", "
    if takers:
        lines.append(t(lang, "request.card.takers", names=sep.join(takers)))
    if req.status != RequestStatus.open.value:
        lines.append(t(lang, "request.card.status", status=status_label(lang, req.status)))
    if note_key:
        lines.append(t(lang, note_key))
    return "\n".join(lines)


def card_buttons(lang: str, req: HelpRequest, *, lead: bool = False) -> list[list[Button]]:
    rows: list[list[Button]] = []
    if req.status == RequestStatus.open.value:
        rows.append([Button(tp(lang, "request.card.accept_button"), data=f"task:accept:{req.id}")])
        if lead:
            rows[0].append(Button(tp(lang, "request.card.dispatch_button"), data=f"board:pick:{req.id}"))
    if lead and req.status in (RequestStatus.filled.value, RequestStatus.done_reported.value):
        rows.append([Button(tp(lang, "request.card.manage_button"), data=f"board:req:{req.id}")])
    return rows


async def volunteer_group(session: AsyncSession, grid_id: int) -> int | None:
    return await session.scalar(select(col(ChatBinding.chat_id)).where(
        col(ChatBinding.grid_id) == grid_id, col(ChatBinding.kind) == ChatKind.volunteers.value))


async def send_lead_copy(core: Core, session: AsyncSession, req: HelpRequest, p: Person, key: str,
                         intro_key: str | None = None, *, urgent: bool = False, takers: list[str] | None = None,
                         **params: object) -> bool:
    """A leader's (or admin's) private copy of the card, with a Dispatch button; edited with the card.
    `takers`: their names when the caller knows them (a new request has none)."""
    if p.tg_user_id is None:
        return False
    lang = core.lang(p.language)
    text = card_text(lang, req, await taker_names(session, req.id or 0) if takers is None else takers)
    if intro_key:
        text = t(lang, intro_key, code=req.code or "", **params) + "\n\n" + text
    return await core.notifier.send(session, key, OutMessage(chat_id=p.tg_user_id, text=text,
                                                            buttons=card_buttons(lang, req, lead=True), silent=not urgent),
                                    card_ref=f"{lead_ref_prefix(req.id or 0)}{p.tg_user_id}", urgent=urgent)


UNKNOWN: Any = object()  # post_card's group not read yet (None: the grid has none)


async def post_card(core: Core, session: AsyncSession, req: HelpRequest, group: Any = UNKNOWN) -> str:
    """Post the new card to the grid's volunteer group; with no bound group, to its leaders. Returns
    where it went: 'group', 'leaders' or 'nowhere'. `group`: the volunteer group's chat when the
    caller read it already (see volunteer_group)."""
    if group is UNKNOWN:
        group = await volunteer_group(session, req.grid_id)
    urgent = req.when_kind == WhenKind.urgent.value
    if group is not None:
        lang = core.cfg.bot.default_locale
        await core.notifier.send(session, f"request-card:{req.id}", OutMessage(
            chat_id=group, text=card_text(lang, req, []), buttons=card_buttons(lang, req), silent=not urgent),
            card_ref=f"request:{req.id}", urgent=urgent)
        return "group"
    sent = False
    people = await leaders_of(session, req.grid_id)
    if not people:  # nobody leads the grid yet: the community office sees it
        grid = await session.get(Grid, req.grid_id)
        people = await admins_of(session, grid.community_id) if grid else []
    for leader in people:
        sent |= await send_lead_copy(core, session, req, leader, f"request-card:{req.id}:lead:{leader.id}",
                                     "request.card.no_group_intro", urgent=urgent, takers=[])  # new: nobody took it yet
    return "leaders" if sent else "nowhere"


Edit = tuple[str, str, list[list[Button]]]  # card ref, text, buttons
Send = tuple[str, OutMessage, str | None, bool]  # key, message, card ref, urgent


async def card_edits(core: Core, session: AsyncSession, req: HelpRequest, note_key: str | None = None,
                     takers: list[str] | None = None, copies: list[LeadCopy] | None = None) -> list[Edit]:
    """The edits that bring every posted copy of the card to the request's current state.
    `takers`: their names, oldest first, and `copies`: the leaders' copies, when the caller already
    read them (see taker_names, storage.card_reads)."""
    await session.flush()
    people: list[Taker] = []
    if copies is None or takers is None:
        people, read = await card_audience(session, req.id or 0, with_takers=takers is None)
        copies = read if copies is None else copies
    if takers is None:
        takers = [taker_name(p) for p in people]
    lang = core.cfg.bot.default_locale
    edits = [(f"request:{req.id}", card_text(lang, req, takers, note_key), card_buttons(lang, req))]
    for ref, _chat_id, language in copies:
        plang = core.lang(language)
        edits.append((ref, card_text(plang, req, takers, note_key), card_buttons(plang, req, lead=True)))
    return edits


async def queue(core: Core, session: AsyncSession, sends: list[Send], edits: list[Edit]) -> None:
    """The sends, then the edits, in as few statements as the notifier can."""
    batch = getattr(core.notifier, "queue", None)
    if batch is not None:
        await batch(session, sends, edits)
        return
    for key, msg, card_ref, urgent in sends:
        await core.notifier.send(session, key, msg, card_ref=card_ref, urgent=urgent)
    for ref, text, buttons in edits:
        await core.notifier.edit_card(session, ref, text, buttons)


async def refresh_cards(core: Core, session: AsyncSession, req: HelpRequest, note_key: str | None = None) -> None:
    """Edit every posted copy of the card in place to the request's current state."""
    await queue(core, session, [], await card_edits(core, session, req, note_key))
