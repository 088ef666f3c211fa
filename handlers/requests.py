"""点单: the resident's guided request — (grid), category, what, when, where, contact, (slots), confirm.

Entry: /request, the "Ask for help" menu button, the deep link `/start req`. In a group the bot
collects nothing: it answers with a button that opens the private chat. Someone who has not said
where they live chooses their community and grid first, with /grid's buttons, as a step of the
conversation. /cancel leaves any step. The steps themselves: request_steps.py.
"""

from __future__ import annotations

import warnings

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import requests as svc
from bot.services.kernel.errors import DomainError
from bot.transport import raw_api
from bot.views.people.callbacks import MENU_REQUEST, RES_COMMUNITIES_PAGE, RES_COMMUNITY, RES_GRID
from bot.views.requests.callbacks import (
    REQ_CANCEL,
    REQ_CATEGORY,
    REQ_RESTART,
    REQ_SEND,
    REQ_SLOTS,
    REQ_TOMORROW,
    REQ_WHEN,
)
from bot.views.requests.intake import category_buttons, sent_buttons
from bot.views.requests.tasks import open_private_button

from . import residents
from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    ask,
    begins_at,
    core_of,
    current_run,
    domain_errors,
    draft,
    lang_of,
    press_data,
    say,
    superseded,
    text_only,
    user_data,
)
from .pickers import answer, show
from .request_steps import (
    ADDRESS,
    CAT,
    CONFIRM,
    CONTACT,
    DATE,
    DRAFT,
    GRID,
    SLOTS,
    SUMMARY,
    WHEN,
    address_text,
    answer_press,
    category_button,
    confirm,
    confirm_hint,
    contact_shared,
    contact_text,
    date_text,
    refuse_date,
    slots_input,
    summary_text,
    tomorrow_button,
    use_buttons,
    when_button,
    when_text,
)

END = ConversationHandler.END


async def request_command(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await answer_press(update)
    if update.effective_chat and update.effective_chat.type != "private":
        await say(
            update,
            t(lang, "request.group_hint"),
            open_private_button(lang, context.bot.username, "req", "request.open_private_button"),
        )
        return END
    try:
        start = await svc.begin_request(core_of(context), actor_of(update))
    except svc.NoGrid:
        d = user_data(context)[DRAFT] = {}
        if update.message is not None:  # this run's messages all come after the command
            begins_at(d, update.message.message_id)
        return await _ask_grid(update, context)
    d = user_data(context)[DRAFT] = {"grid_id": start.grid_id, "leader": start.can_set_slots}
    begins_at(d, await ask(update, t(lang, "request.ask.category", grid=start.grid_name), category_buttons(lang)))
    return CAT


async def _ask_grid(update: Update, context: Ctx) -> object:
    """Where the request should go, with /grid's buttons; with nothing to choose from, the end
    (residents said whom to ask)."""
    if await residents.offer_grids(update, context, t(lang_of(update, context), "request.ask.grid") + "\n\n"):
        return GRID
    user_data(context).pop(DRAFT, None)
    return END


@domain_errors
async def grid_chosen(update: Update, context: Ctx) -> object:
    """The grid chosen inside /request: it is where they live now; the request goes on from where it was."""
    lang = lang_of(update, context)
    start = await svc.begin_request_in(core_of(context), actor_of(update), RES_GRID.parse_id(press_data(update)))
    await answer(update, t(lang, "residents.saved_short"))
    d = draft(context, DRAFT)
    d.update(grid_id=start.grid_id, leader=start.can_set_slots)
    if "summary" in d:  # asked again at sending: everything else is still there
        await show(update, t(lang, "request.grid_saved", grid=start.grid_name))
        return await confirm(update, context)
    await show(update, t(lang, "request.ask.category", grid=start.grid_name), category_buttons(lang))
    return CAT


async def grid_hint(update: Update, context: Ctx) -> object:
    """Typed text (or anything) where a grid was to be chosen: say so, and the buttons again."""
    await say(update, t(lang_of(update, context), "request.hint.grid"))
    return await _ask_grid(update, context)


async def send_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    d = draft(context, DRAFT)
    if await superseded(update, context, d):
        return None
    await answer_press(update)
    request_draft = svc.RequestDraft(
        d.get("category", ""),
        d.get("summary", ""),
        d.get("when_kind", ""),
        d.get("when_date"),
        d.get("address"),
        d.get("phone"),
        int(d.get("slots", 1)),
    )
    try:
        req = await svc.create_request(
            core_of(context),
            actor_of(update),
            request_draft,
            grid_id=d.get("grid_id"),
            source="leader" if d.get("leader") else "resident",
        )
    except svc.DateRefused as e:  # the day passed while the summary waited
        return await refuse_date(update, context, e)
    except svc.NoGrid:  # the grid is gone: choose another, the rest is kept
        return await _ask_grid(update, context)
    except DomainError as e:
        await say(update, t(lang, e.key, **e.params))
        return CONFIRM
    user_data(context).pop(DRAFT, None)
    await _strip_buttons(update)
    await say(update, t(lang, "request.sent", code=req.code or ""), sent_buttons(lang))
    return END


async def _strip_buttons(update: Update) -> None:
    q = update.callback_query
    if q is not None and q.message is not None:
        try:
            await raw_api.call(
                q.get_bot(), "editMessageReplyMarkup", chat_id=q.message.chat.id, message_id=q.message.message_id
            )
        except Exception:
            pass


async def restart_button(update: Update, context: Ctx) -> object:
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    await _strip_buttons(update)
    return await request_command(update, context)


async def cancel(update: Update, context: Ctx) -> object:
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    await answer_press(update)
    await _strip_buttons(update)
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "request.cancelled"), reply_markup=ReplyKeyboardRemove())
    return END


def build_handlers() -> list[AnyHandler]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        conv = ConversationHandler(
            name="request",
            persistent=True,
            allow_reentry=True,
            entry_points=[
                CommandHandler("request", request_command),
                CommandHandler("start", request_command, filters=filters.Regex(r"^/start req")),
                CallbackQueryHandler(request_command, pattern=MENU_REQUEST.pattern),
            ],
            states={
                GRID: [
                    CallbackQueryHandler(residents.community_page, pattern=RES_COMMUNITIES_PAGE.pattern),
                    CallbackQueryHandler(residents.community_chosen, pattern=RES_COMMUNITY.pattern),
                    CallbackQueryHandler(grid_chosen, pattern=RES_GRID.pattern),
                    MessageHandler(text | other, grid_hint),
                ],
                CAT: [
                    CallbackQueryHandler(category_button, pattern=REQ_CATEGORY.pattern),
                    MessageHandler(text | other, use_buttons),
                ],
                SUMMARY: [MessageHandler(text, summary_text), MessageHandler(other, text_only)],
                WHEN: [
                    CallbackQueryHandler(when_button, pattern=REQ_WHEN.pattern),
                    CallbackQueryHandler(tomorrow_button, pattern=REQ_TOMORROW.pattern),
                    MessageHandler(text, when_text),
                    MessageHandler(other, use_buttons),
                ],
                DATE: [
                    CallbackQueryHandler(when_button, pattern=REQ_WHEN.pattern),
                    CallbackQueryHandler(tomorrow_button, pattern=REQ_TOMORROW.pattern),
                    MessageHandler(text | other, date_text),
                ],
                ADDRESS: [MessageHandler(text, address_text), MessageHandler(other, text_only)],
                CONTACT: [
                    MessageHandler(filters.CONTACT, contact_shared),
                    MessageHandler(text, contact_text),
                    MessageHandler(other, contact_text),
                ],
                SLOTS: [
                    CallbackQueryHandler(current_run(DRAFT)(slots_input), pattern=REQ_SLOTS.pattern),
                    MessageHandler(text, slots_input),
                    MessageHandler(other, text_only),
                ],
                CONFIRM: [
                    CallbackQueryHandler(send_button, pattern=REQ_SEND.pattern),
                    CallbackQueryHandler(restart_button, pattern=REQ_RESTART.pattern),
                    CallbackQueryHandler(cancel, pattern=REQ_CANCEL.pattern),
                    MessageHandler(text | other, confirm_hint),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [conv]
