"""吹哨 (the third tier): /whistle CODE or the 🏛 button on the request's card on /board (forward a
request: the department, what is shared, the deadline, Send), the meeting item's 🏛 button (forward
a problem found on a door visit the same way), and the department's buttons on its card: accept,
answer, hand back (answer and hand-back ask for a text in a small persistent conversation,
"referral_answer": the answer, or the hand-back's optional reason with a Skip button). The
departments themselves: handlers/departments.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.services import referrals
from bot.services.kernel.errors import Conflict, InvalidInput
from bot.views import referrals as views
from storage.enums import ReferralStatus

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    core_of,
    domain_errors,
    drop_keyboard,
    lang_of,
    message_of,
    press_data,
    say,
    user_data,
)
from .pickers import answer, conversation, show
from .tasks import expired, last_step, remember, take_pending

PRIVATE = filters.ChatType.PRIVATE
PENDING = "referral_answer"
ANSWER, BACK = "answer", "back"  # what the typed text is: the answer, or the hand-back's reason
TEXT = 1
END = ConversationHandler.END


@domain_errors
async def whistle_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    args = list(context.args or [])
    if len(args) != 1 or len(args[0]) > 20:
        raise InvalidInput("referrals.whistle_usage")
    choice = await referrals.whistle_choice(core_of(context), actor_of(update), args[0])
    await say(update, *views.choose_department(lang, choice))


@domain_errors
async def item_pressed(update: Update, context: Ctx) -> None:
    """The meeting item's 🏛 button: its departments, in a new message (the meeting's card stays)."""
    item_id = views.WH_ITEM.parse_id(press_data(update))
    choice = await referrals.item_choice(core_of(context), actor_of(update), item_id)
    await answer(update)
    await say(update, *views.choose_department(lang_of(update, context), choice))


@domain_errors
async def request_pressed(update: Update, context: Ctx) -> None:
    """The 🏛 button on the request's card on /board: as /whistle CODE (admins only, checked again)."""
    request_id = views.WH_REQUEST.parse_id(press_data(update))
    choice = await referrals.whistle_choice(core_of(context), actor_of(update), request_id)
    await answer(update)
    await say(update, *views.choose_department(lang_of(update, context), choice))


@domain_errors
async def department_pressed(update: Update, context: Ctx) -> None:
    data = press_data(update)
    item = views.WH_IDEPT.matches(data) or views.WH_ISET.matches(data)
    if views.WH_DEPT.matches(data) or views.WH_IDEPT.matches(data):
        rid, did = (views.WH_IDEPT if item else views.WH_DEPT).parse(data)
        share, days = 0, views.DEFAULT_DAYS  # by default nothing personal goes out
    else:
        rid, did, share, days = (views.WH_ISET if item else views.WH_SET).parse(data)
    core, actor = core_of(context), actor_of(update)
    choice = await (referrals.item_choice(core, actor, rid) if item else referrals.whistle_choice(core, actor, rid))
    if did not in {d for d, _, _ in choice.departments}:  # removed since the list was drawn
        raise Conflict("referrals.department_unavailable")
    await answer(update)
    await show(update, *views.confirm(lang_of(update, context), choice, did, share, days))


@domain_errors
async def send_pressed(update: Update, context: Ctx) -> None:
    data = press_data(update)
    item = views.WH_ISEND.matches(data)
    rid, did, share, days = (views.WH_ISEND if item else views.WH_SEND).parse(data)
    send = referrals.forward_item if item else referrals.forward
    done = await send(
        core_of(context), actor_of(update), rid, did, address=bool(share & 1), phone=bool(share & 2), days=days
    )
    await answer(update)
    await show(update, views.sent(lang_of(update, context), done))


@domain_errors
async def accept_pressed(update: Update, context: Ctx) -> None:
    ref_id = views.WH_ACCEPT.parse_id(press_data(update))
    done = await referrals.decide(core_of(context), actor_of(update), ref_id, ReferralStatus.accepted)
    lang = lang_of(update, context)
    q = update.callback_query
    if q is not None:
        await q.answer()
        await drop_keyboard(q)
    await say(update, views.decided(lang, done), views.answer_buttons(lang, ref_id))


@domain_errors
async def ask_reason(update: Update, context: Ctx) -> int | None:
    """Hand back: first the optional reason (typed, or Skip)."""
    ref_id = views.WH_BACK.parse_id(press_data(update))
    code, item = await referrals.check_can_answer(core_of(context), actor_of(update), ref_id)
    await answer(update)
    remember(context, PENDING, id=ref_id, kind=BACK)
    await say(update, *views.ask_reason(lang_of(update, context), code, item, ref_id))
    return TEXT


@last_step
async def skip_reason(update: Update, context: Ctx) -> object:
    """Skip: hand back with no reason (in the step, or its button pressed after the step ended)."""
    ref_id = views.WH_SKIP.parse_id(press_data(update))
    done = await referrals.decide(core_of(context), actor_of(update), ref_id, ReferralStatus.handed_back)
    pending = user_data(context).get(PENDING) or {}
    if int(pending.get("id", 0)) == ref_id:
        user_data(context).pop(PENDING, None)
    q = update.callback_query
    if q is not None:
        await q.answer()
        await drop_keyboard(q)
    await say(update, views.decided(lang_of(update, context), done))
    return END


@domain_errors
async def ask_answer(update: Update, context: Ctx) -> int | None:
    ref_id = views.WH_ANSWER.parse_id(press_data(update))
    code, item = await referrals.check_can_answer(core_of(context), actor_of(update), ref_id)
    await answer(update)
    remember(context, PENDING, id=ref_id, kind=ANSWER)
    await say(update, views.ask_answer(lang_of(update, context), code, item))
    return TEXT


@last_step
async def answer_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    text = message_of(update).text or ""
    kind = ReferralStatus.handed_back if pending.get("kind") == BACK else ReferralStatus.answered
    done = await referrals.decide(core_of(context), actor_of(update), int(pending.get("id", 0)), kind, text)
    user_data(context).pop(PENDING, None)
    await say(update, views.decided(lang_of(update, context), done))
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, views.answer_cancelled(lang_of(update, context)))
    return END


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, views.text_only(lang_of(update, context)))


def build_handlers() -> list[AnyHandler]:
    answering = conversation(
        name=PENDING,
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(ask_answer, pattern=views.WH_ANSWER.pattern),
            CallbackQueryHandler(ask_reason, pattern=views.WH_BACK.pattern),
        ],
        states={
            TEXT: [
                CallbackQueryHandler(skip_reason, pattern=views.WH_SKIP.pattern),
                MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, answer_text),
                MessageHandler(PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only),
            ]
        },
        fallbacks=[CommandHandler("cancel", cancel)],
    )
    return [
        answering,
        CommandHandler("whistle", whistle_command, filters=PRIVATE),
        CallbackQueryHandler(item_pressed, pattern=views.WH_ITEM.pattern),
        CallbackQueryHandler(request_pressed, pattern=views.WH_REQUEST.pattern),
        *(CallbackQueryHandler(department_pressed, pattern=c.pattern) for c in views.CHOOSING),
        *(CallbackQueryHandler(send_pressed, pattern=c.pattern) for c in (views.WH_SEND, views.WH_ISEND)),
        CallbackQueryHandler(accept_pressed, pattern=views.WH_ACCEPT.pattern),
        CallbackQueryHandler(skip_reason, pattern=views.WH_SKIP.pattern),  # its step over (/cancel)
    ]
