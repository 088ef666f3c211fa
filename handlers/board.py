"""派单 for grid leaders: /board, a request's detail, dispatch, reassign, close, out of scope, duplicate.

Closing and out-of-scope ask for a reason: a small persistent conversation ("board_reason").
"""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services.requests import (
    board_for,
    close_request,
    dismiss_duplicate,
    dispatch_task,
    duplicate_candidates,
    leader_confirm,
    mark_duplicate,
    mark_out_of_scope,
    request_for_leader,
    require_status,
    volunteers_for,
)
from bot.views.requests.board import board_lines, detail, duplicate_rows, referral_rows, volunteer_rows
from bot.views.requests.callbacks import (
    BOARD_CLOSE,
    BOARD_CONFIRM,
    BOARD_DUPLICATE,
    BOARD_DUPLICATE_OF,
    BOARD_NOT_DUPLICATE,
    BOARD_OUT_OF_SCOPE,
    BOARD_PICK,
    BOARD_REFERRAL,
    BOARD_REQUEST,
    BOARD_TO,
    either,
)
from storage.enums import RequestStatus

from . import board_reassign
from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    core_of,
    domain_errors,
    edit_or_say,
    lang_of,
    message_of,
    press_data,
    say,
    text_only,
    user_data,
)
from .tasks import expired, group_hint, in_group, join_lines, last_step, remember, take_pending

REASON = "reason"
END = ConversationHandler.END
PENDING = "board_reason"
OPEN, FILLED, DONE = RequestStatus.open.value, RequestStatus.filled.value, RequestStatus.done_reported.value


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query:
        await update.callback_query.answer(text)


@domain_errors
async def board_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await _answer(update)
    if in_group(update):
        await group_hint(update, context)
        return
    for b in await board_for(core_of(context), actor_of(update)):
        lines, rows = board_lines(lang, b)
        await say(update, join_lines(lines), rows)


@domain_errors
async def request_button(update: Update, context: Ctx) -> None:
    view = await request_for_leader(core_of(context), actor_of(update), BOARD_REQUEST.parse_id(press_data(update)))
    await _answer(update)
    await say(update, *detail(lang_of(update, context), view))


@domain_errors
async def pick_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req, loads = await volunteers_for(core_of(context), actor_of(update), BOARD_PICK.parse_id(press_data(update)))
    require_status(req, OPEN)
    await _answer(update)
    if not loads:
        await say(update, t(lang, "board.no_volunteers", code=req.code or ""))
        return
    await say(
        update, t(lang, "board.pick_head", code=req.code or ""), volunteer_rows(lang, loads, BOARD_TO, req.id or 0)
    )


@domain_errors
async def to_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    rid, volunteer = BOARD_TO.parse(press_data(update))
    result = await dispatch_task(core_of(context), actor_of(update), rid, volunteer)
    await _answer(update)
    await edit_or_say(update, t(lang, "board.dispatched", code=result.request.code or ""))


@domain_errors
async def oos_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await request_for_leader(core_of(context), actor_of(update), BOARD_OUT_OF_SCOPE.parse_id(press_data(update)))
    require_status(view.request, OPEN, FILLED)
    await _answer(update)
    await say(
        update, t(lang, "board.oos_where", code=view.request.code or ""), referral_rows(lang, view.request.id or 0)
    )


@domain_errors
async def dup_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req, others = await duplicate_candidates(
        core_of(context), actor_of(update), BOARD_DUPLICATE.parse_id(press_data(update))
    )
    require_status(req, OPEN, FILLED)
    await _answer(update)
    if not others:
        await say(update, t(lang, "board.dup_none", code=req.code or ""))
        return
    await say(update, t(lang, "board.dup_which", code=req.code or ""), duplicate_rows(lang, req, others))


@domain_errors
async def dupof_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await mark_duplicate(core_of(context), actor_of(update), *BOARD_DUPLICATE_OF.parse(press_data(update)))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.marked_duplicate", code=req.code or ""))


@domain_errors
async def notdup_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await dismiss_duplicate(core_of(context), actor_of(update), BOARD_NOT_DUPLICATE.parse_id(press_data(update)))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.not_duplicate", code=req.code or ""))


@domain_errors
async def confirm_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await leader_confirm(core_of(context), actor_of(update), BOARD_CONFIRM.parse_id(press_data(update)))
    await _answer(update)
    await edit_or_say(update, t(lang, "rating.leader_confirmed", code=req.code or ""))


@domain_errors
async def ask_reason(update: Update, context: Ctx) -> object:
    """Close (board:close:<id>) or out of scope with a referral (board:ref:<id>:<where>): ask why."""
    lang = lang_of(update, context)
    data = press_data(update)
    if BOARD_REFERRAL.matches(data):
        rid, referral = BOARD_REFERRAL.parse(data)
    else:
        rid, referral = BOARD_CLOSE.parse_id(data), None
    view = await request_for_leader(core_of(context), actor_of(update), rid)
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
    rid, reason = int(pending.get("id", 0)), message_of(update).text or ""
    if pending.get("referral"):
        req = await mark_out_of_scope(core_of(context), actor_of(update), rid, pending["referral"], reason)
        await say(update, t(lang, "board.marked_out_of_scope", code=req.code or ""))
    else:
        req = await close_request(core_of(context), actor_of(update), rid, reason)
        await say(update, t(lang, "board.closed", code=req.code or ""))
    user_data(context).pop(PENDING, None)
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, t(lang_of(update, context), "task.report_cancelled"))
    return END


def build_handlers() -> list[AnyHandler]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        reason = ConversationHandler(
            name="board_reason",
            persistent=True,
            allow_reentry=True,
            entry_points=[CallbackQueryHandler(ask_reason, pattern=either(BOARD_CLOSE, BOARD_REFERRAL))],
            states={
                REASON: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, reason_text),
                    MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only),
                ]
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [
        reason,
        CommandHandler("board", board_command),
        CallbackQueryHandler(request_button, pattern=BOARD_REQUEST.pattern),
        CallbackQueryHandler(pick_button, pattern=BOARD_PICK.pattern),
        CallbackQueryHandler(to_button, pattern=BOARD_TO.pattern),
        *board_reassign.build_handlers(),
        CallbackQueryHandler(oos_button, pattern=BOARD_OUT_OF_SCOPE.pattern),
        CallbackQueryHandler(dup_button, pattern=BOARD_DUPLICATE.pattern),
        CallbackQueryHandler(dupof_button, pattern=BOARD_DUPLICATE_OF.pattern),
        CallbackQueryHandler(notdup_button, pattern=BOARD_NOT_DUPLICATE.pattern),
        CallbackQueryHandler(confirm_button, pattern=BOARD_CONFIRM.pattern),
    ]
