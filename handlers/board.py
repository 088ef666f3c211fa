"""派单 for grid leaders: /board, a request's detail, dispatch, reassign, close, out of scope, duplicate.

Closing and out-of-scope ask for a reason: a small persistent conversation ("board_reason").
"""
from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler,
                          filters)
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services.requests import board as svc
from bot.services.requests import ratings
from bot.services.requests.cards import category_label, status_label, when_label
from bot.services.kernel.errors import Conflict
from bot.services.kernel.notifier import Button
from bot.services.requests.common import require_status
from bot.services.requests.task_texts import ASSIGNMENT_KEYS, short
from storage.enums import RequestStatus, WhenKind

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say
from .tasks import cb_args, cb_int, expired, in_group, join_lines, last_step, remember, take_pending

REASON = "reason"
END = ConversationHandler.END
PENDING = "board_reason"
OPEN, FILLED, DONE = RequestStatus.open.value, RequestStatus.filled.value, RequestStatus.done_reported.value


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query:
        await update.callback_query.answer(text)


def _item_line(lang: str, item: svc.BoardItem) -> str:
    r = item.request
    return t(lang, "board.item", urgent="🔴 " if r.when_kind == WhenKind.urgent.value else "", code=r.code or "",
             category=category_label(lang, r.category), when=when_label(lang, r.when_kind, r.when_date),
             taken=r.slots_taken, slots=r.slots, status=status_label(lang, r.status),
             names=", ".join(item.takers) or "—")


@domain_errors
async def board_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await _answer(update)
    if in_group(update):
        url = f"https://t.me/{context.bot.username}?start=menu"
        await say(update, t(lang, "task.group_hint"), [[Button(tp(lang, "task.open_private_button"), url=url)]])
        return
    for b in await svc.board_for(core_of(context), actor_of(update)):
        lines = [t(lang, "board.head", grid=b.grid.name, count=len(b.items))]
        lines += [_item_line(lang, i) for i in b.items] or [t(lang, "board.empty")]
        busiest = sorted(b.volunteers, key=lambda v: -v.open_tasks)[:40]
        loads = ", ".join(tp(lang, "board.load_item", name=short(v.person.name or "?", 12), n=v.open_tasks)
                          for v in busiest) + (" …" if len(b.volunteers) > len(busiest) else "")
        lines.append(t(lang, "board.loads", max=b.max_load, loads=loads or "—"))
        rows = [[Button(tp(lang, "board.open_button", code=i.request.code or ""), data=f"board:req:{i.request.id}")]
                for i in b.items]
        await say(update, join_lines(lines), rows)


def _detail(lang: str, v: svc.LeaderView) -> tuple[str, list[list[Button]]]:
    r, rid = v.request, v.request.id
    lines = [t(lang, "board.detail.head", code=r.code or "", category=category_label(lang, r.category),
               status=status_label(lang, r.status)),
             t(lang, "task.details.summary", summary=r.summary),
             t(lang, "task.details.when", when=when_label(lang, r.when_kind, r.when_date))]
    if r.address:
        lines.append(t(lang, "task.details.address", address=r.address))
    if r.phone:
        lines.append(t(lang, "task.details.phone", phone=r.phone))
    lines.append(t(lang, "task.details.team", taken=r.slots_taken, slots=r.slots))
    for p, status in v.holders:
        lines.append(t(lang, "board.detail.holder", name=p.name or "?", status=tp(lang, ASSIGNMENT_KEYS[status])))
    if v.duplicate_of is not None:
        lines.append(t(lang, "board.detail.maybe_duplicate", other=v.duplicate_of.code or ""))
    if r.escalation_level:
        lines.append(t(lang, "board.detail.escalated"))
    rows: list[list[Button]] = []
    if r.status == OPEN:
        rows.append([Button(tp(lang, "request.card.dispatch_button"), data=f"board:pick:{rid}")])
    if r.status in (OPEN, FILLED) and any(s in ("accepted", "started") for _, s in v.holders):
        rows.append([Button(tp(lang, "board.reassign_button"), data=f"board:re:{rid}")])
    if r.status == DONE:
        rows.append([Button(tp(lang, "rating.leader_confirm.button"), data=f"board:confirm:{rid}")])
    if r.status in (OPEN, FILLED):
        rows.append([Button(tp(lang, "board.oos_button"), data=f"board:oos:{rid}"),
                     Button(tp(lang, "board.dup_button"), data=f"board:dup:{rid}")])
    if r.status in (OPEN, FILLED, DONE):
        rows.append([Button(tp(lang, "board.close_button"), data=f"board:close:{rid}")])
    return "\n".join(lines), rows


@domain_errors
async def request_button(update: Update, context: Ctx) -> None:
    view = await svc.request_for_leader(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    await say(update, *_detail(lang_of(update, context), view))


def _volunteer_rows(lang: str, loads: list[svc.VolunteerLoad], data: str) -> list[list[Button]]:
    return [[Button(tp(lang, "board.pick_item", fit="✓ " if v.fits else "", name=short(v.person.name or "?"),
                       n=v.open_tasks), data=f"{data}:{v.person.id}")] for v in loads[:30]]


@domain_errors
async def pick_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req, loads = await svc.volunteers_for(core_of(context), actor_of(update), cb_int(update, 2))
    require_status(req, OPEN)
    await _answer(update)
    if not loads:
        await say(update, t(lang, "board.no_volunteers", code=req.code or ""))
        return
    await say(update, t(lang, "board.pick_head", code=req.code or ""), _volunteer_rows(lang, loads, f"board:to:{req.id}"))


@domain_errors
async def to_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    result = await svc.dispatch_task(core_of(context), actor_of(update), cb_int(update, 2), cb_int(update, 3))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.dispatched", code=result.request.code or ""))


@domain_errors
async def reassign_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await svc.request_for_leader(core_of(context), actor_of(update), cb_int(update, 2))
    live = [(p, s) for p, s in view.holders if s in ("accepted", "started")]
    if not live:
        raise Conflict("board.error.not_holding", code=view.request.code or "")
    await _answer(update)
    rows = [[Button(short(p.name or "?"), data=f"board:refrom:{view.request.id}:{p.id}")] for p, _ in live]
    await say(update, t(lang, "board.reassign_from", code=view.request.code or ""), rows)


@domain_errors
async def reassign_from_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    rid, from_id = cb_int(update, 2), cb_int(update, 3)
    req, loads = await svc.volunteers_for(core_of(context), actor_of(update), rid)
    await _answer(update)
    if not loads:
        await say(update, t(lang, "board.no_volunteers", code=req.code or ""))
        return
    await edit_or_say(update, t(lang, "board.reassign_to", code=req.code or ""),
                      _volunteer_rows(lang, loads, f"board:reto:{rid}:{from_id}"))


@domain_errors
async def reassign_to_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    result = await svc.reassign_task(core_of(context), actor_of(update), cb_int(update, 2), cb_int(update, 3),
                                     cb_int(update, 4))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.reassigned", code=result.request.code or ""))


@domain_errors
async def oos_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await svc.request_for_leader(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    rid = view.request.id
    rows = [[Button(tp(lang, key), data=f"board:ref:{rid}:{name}")] for name, key in svc.REFERRALS.items()]
    await say(update, t(lang, "board.oos_where", code=view.request.code or ""), rows)


@domain_errors
async def dup_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req, others = await svc.duplicate_candidates(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    if not others:
        await say(update, t(lang, "board.dup_none", code=req.code or ""))
        return
    rows = [[Button(tp(lang, "board.dup_item", code=o.code or "", summary=short(o.summary, 24)),
                    data=f"board:dupof:{req.id}:{o.id}")] for o in others]
    await say(update, t(lang, "board.dup_which", code=req.code or ""), rows)


@domain_errors
async def dupof_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await svc.mark_duplicate(core_of(context), actor_of(update), cb_int(update, 2), cb_int(update, 3))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.marked_duplicate", code=req.code or ""))


@domain_errors
async def notdup_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await svc.dismiss_duplicate(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.not_duplicate", code=req.code or ""))


@domain_errors
async def confirm_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await ratings.leader_confirm(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    await edit_or_say(update, t(lang, "rating.leader_confirmed", code=req.code or ""))


@domain_errors
async def ask_reason(update: Update, context: Ctx) -> object:
    """Close (board:close:<id>) or out of scope with a referral (board:ref:<id>:<where>): ask why."""
    lang = lang_of(update, context)
    parts = cb_args(update)
    view = await svc.request_for_leader(core_of(context), actor_of(update), cb_int(update, 2))
    referral = parts[3] if parts[1] == "ref" and len(parts) > 3 else None
    if parts[1] == "ref" and referral not in svc.REFERRALS:
        raise Conflict("error.stale_button")
    require_status(view.request, *((OPEN, FILLED) if referral else (OPEN, FILLED, DONE)))
    await _answer(update)
    remember(context, PENDING, id=view.request.id, referral=referral)
    await say(update, t(lang, "board.ask_reason", code=view.request.code or ""))
    return REASON


@last_step
async def reason_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    rid, reason = int(pending.get("id", 0)), update.effective_message.text or ""  # type: ignore[union-attr]
    if pending.get("referral"):
        req = await svc.mark_out_of_scope(core_of(context), actor_of(update), rid, pending["referral"], reason)
        await say(update, t(lang, "board.marked_out_of_scope", code=req.code or ""))
    else:
        req = await svc.close_request(core_of(context), actor_of(update), rid, reason)
        await say(update, t(lang, "board.closed", code=req.code or ""))
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    return END


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


async def cancel(update: Update, context: Ctx) -> object:
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "task.report_cancelled"))
    return END


def build_handlers() -> list[BaseHandler]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        reason = ConversationHandler(
            name="board_reason", persistent=True, allow_reentry=True,
            entry_points=[CallbackQueryHandler(ask_reason, pattern=r"^board:(close|ref):")],
            states={REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, reason_text),
                             MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only)]},
            fallbacks=[CommandHandler("cancel", cancel)])
    return [reason,
            CommandHandler("board", board_command),
            CallbackQueryHandler(request_button, pattern=r"^board:req:"),
            CallbackQueryHandler(pick_button, pattern=r"^board:pick:"),
            CallbackQueryHandler(to_button, pattern=r"^board:to:"),
            CallbackQueryHandler(reassign_button, pattern=r"^board:re:"),
            CallbackQueryHandler(reassign_from_button, pattern=r"^board:refrom:"),
            CallbackQueryHandler(reassign_to_button, pattern=r"^board:reto:"),
            CallbackQueryHandler(oos_button, pattern=r"^board:oos:"),
            CallbackQueryHandler(dup_button, pattern=r"^board:dup:"),
            CallbackQueryHandler(dupof_button, pattern=r"^board:dupof:"),
            CallbackQueryHandler(notdup_button, pattern=r"^board:notdup:"),
            CallbackQueryHandler(confirm_button, pattern=r"^board:confirm:")]
