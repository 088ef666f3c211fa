"""/visits (my paired households), household details, and the ledger 民情台账 (/ledger).

Everything here shows addresses, so it answers only in private chats. The visit log itself
(buttons `visit:log:<household_id>`) is the conversation in handlers/visit_log.py.
"""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.i18n import t, tp
from bot.services.visits import ledger
from bot.services.visits import door_visits as visits
from bot.services.kernel.errors import InvalidInput
from bot.services.visits.ledger import Ledger
from bot.services.kernel.life_common import aware, zone
from bot.services.kernel.notifier import Button
from bot.services.visits.door_visits import FLAG_KEYS, OUTCOME_KEYS
from storage.enums import CareFlag, RedFlag, VisitOutcome
from storage.models import Household

from . import visit_log
from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say

CARE_KEYS = {CareFlag.elderly_alone: "visit.care.elderly_alone", CareFlag.left_behind_children: "visit.care.left_behind_children",
             CareFlag.disability: "visit.care.disability", CareFlag.other: "visit.care.other"}
MAX_LISTED = 30
NOTE_SHOWN = 160


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def care_labels(lang: str, flags: str) -> str:
    labels = [tp(lang, CARE_KEYS[CareFlag(f)]) if f in CareFlag.__members__ else f for f in flags.split(",") if f]
    return "、".join(labels) or "—"


async def private_only(update: Update, context: Ctx) -> bool:
    """Addresses never go to groups: in a group, answer with a pointer to the private chat."""
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        return True
    lang = lang_of(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(tp(lang, "visit.private_only"), show_alert=True)
    else:
        url = f"https://t.me/{context.bot.username}"
        await say(update, t(lang, "visit.private_only"), [[Button(tp(lang, "visit.button.open_private"), url=url)]])
    return False


@domain_errors
async def visits_command(update: Update, context: Ctx) -> None:
    if not await private_only(update, context):
        return
    lang = lang_of(update, context)
    mine = await visits.my_households(core_of(context), actor_of(update))
    if not mine.items:
        await say(update, t(lang, "visit.list.none"))
        return
    lines, buttons = [t(lang, "visit.list.header", week=mine.week, count=len(mine.items))], []
    for item in mine.items[:MAX_LISTED]:
        hh = item.household
        status = (t(lang, "visit.list.logged", outcome=tp(lang, OUTCOME_KEYS[VisitOutcome(item.visit.outcome)]))
                  if item.visit else t(lang, "visit.list.not_logged"))
        lines.append(t(lang, "visit.list.line", id=hh.id, address=_short(hh.address, 60),
                       members=_short(hh.members or "—", 40), status=status))
        label = _short(hh.members or hh.address, 18)
        buttons.append([Button(tp(lang, "visit.button.details", name=label), data=f"visit:info:{hh.id}"),
                        Button(tp(lang, "visit.button.log"), data=f"visit:log:{hh.id}"),
                        Button(tp(lang, "visit.button.ledger"), data=f"visit:ledger:{hh.id}")])
    if len(mine.items) > MAX_LISTED:
        lines.append(t(lang, "visit.list.more", n=len(mine.items) - MAX_LISTED))
    await say(update, "\n".join(lines), buttons)


def render_household(lang: str, hh: Household) -> str:
    return t(lang, "visit.details", id=hh.id, address=hh.address, members=hh.members or "—", count=hh.member_count,
             care=care_labels(lang, hh.care_flags), phone=hh.phone or "—", note=hh.note or "—")


@domain_errors
async def details_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    hh = await visits.household_details(core_of(context), actor_of(update), int(q.data.split(":")[2]))
    await q.answer()
    lang = lang_of(update, context)
    await say(update, render_household(lang, hh), [[Button(tp(lang, "visit.button.log"), data=f"visit:log:{hh.id}"),
                                                   Button(tp(lang, "visit.button.ledger"), data=f"visit:ledger:{hh.id}")]])


def render_ledger(lang: str, book: Ledger, tz: str) -> str:
    hh = book.household
    lines = [t(lang, "visit.ledger.header", id=hh.id, address=hh.address, members=hh.members or "—",
               care=care_labels(lang, hh.care_flags), total=book.total)]
    if not book.entries:
        lines.append(t(lang, "visit.ledger.empty"))
    for e in book.entries:
        v = e.visit
        flags = "、".join(tp(lang, FLAG_KEYS[RedFlag(f)]) for f in v.red_flags.split(",") if f in RedFlag.__members__)
        line = t(lang, "visit.ledger.line", week=v.week, date=aware(v.created_at).astimezone(zone(tz)).strftime("%m-%d"),
                 volunteer=e.volunteer_name, outcome=tp(lang, OUTCOME_KEYS[VisitOutcome(v.outcome)]))
        if flags:
            line += "\n" + t(lang, "visit.ledger.flags", flags=flags)
        if v.note:
            line += "\n" + t(lang, "visit.ledger.note", note=_short(v.note, NOTE_SHOWN))
        if v.request_id:
            line += "\n" + t(lang, "visit.ledger.request", id=v.request_id)
        if sum(len(x) for x in lines) + len(line) > 3800:
            break
        lines.append(line)
    if book.total > len(lines) - 1 and book.entries:
        lines.append(t(lang, "visit.ledger.older", n=book.total - (len(lines) - 1)))
    return "\n\n".join(lines)


async def show_ledger(update: Update, context: Ctx, household_id: int) -> None:
    core, lang = core_of(context), lang_of(update, context)
    book = await ledger.ledger_of(core, actor_of(update), household_id)
    await say(update, render_ledger(lang, book, book.timezone))


@domain_errors
async def ledger_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    await show_ledger(update, context, int(q.data.split(":")[2]))
    await q.answer()


@domain_errors
async def ledger_command(update: Update, context: Ctx) -> None:
    if not await private_only(update, context):
        return
    args = context.args or []
    if args:
        if len(args) != 1 or not args[0].isdigit() or len(args[0]) > 9:
            raise InvalidInput("visit.error.bad_ledger_arg")
        await show_ledger(update, context, int(args[0]))
        return
    await ledger_page(update, context, 0)


async def ledger_page(update: Update, context: Ctx, page: int) -> None:
    lang = lang_of(update, context)
    result = await ledger.ledger_households(core_of(context), actor_of(update), page)
    lines = [t(lang, "visit.ledger.pick", page=result.page + 1, pages=result.pages)]
    buttons: list[list[Button]] = []
    for row in result.rows:
        hh = row.household
        last = row.last_visit.isoformat() if row.last_visit else tp(lang, "visit.ledger.never")
        lines.append(t(lang, "visit.ledger.pick_line", id=hh.id, address=_short(hh.address, 50), last=last))
        buttons.append([Button(tp(lang, "visit.button.ledger_of", id=hh.id, name=_short(hh.members or hh.address, 20)),
                               data=f"visit:ledger:{hh.id}")])
    nav = []
    if result.page > 0:
        nav.append(Button(tp(lang, "visit.button.prev"), data=f"visit:lpage:{result.page - 1}"))
    if result.page + 1 < result.pages:
        nav.append(Button(tp(lang, "visit.button.next"), data=f"visit:lpage:{result.page + 1}"))
    if nav:
        buttons.append(nav)
    if update.callback_query:
        await edit_or_say(update, "\n".join(lines), buttons)
    else:
        await say(update, "\n".join(lines), buttons)


@domain_errors
async def ledger_page_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not await private_only(update, context):
        return
    await ledger_page(update, context, int(q.data.split(":")[2]))
    await q.answer()


def build_handlers() -> list[BaseHandler]:
    return [
        visit_log.conversation(),
        CommandHandler("visits", visits_command),
        CommandHandler("ledger", ledger_command),
        CallbackQueryHandler(details_button, pattern=r"^visit:info:\d{1,9}$"),
        CallbackQueryHandler(ledger_button, pattern=r"^visit:ledger:\d{1,9}$"),
        CallbackQueryHandler(ledger_page_button, pattern=r"^visit:lpage:\d{1,5}$"),
    ]
