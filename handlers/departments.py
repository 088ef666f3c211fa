"""吹哨's departments: /departments (a button each), /adddepartment, and one department's card: a new
name or contact (typed: a small persistent conversation, "department_edit"), remove (confirmed) or
bring back. Callback data: bot/views/departments.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.services import referrals
from bot.services.kernel.errors import InvalidInput, NotFound
from bot.services.kernel.inputs import person_ref
from bot.views import departments as views

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
from .pickers import answer, conversation
from .tasks import expired, last_step, remember, take_pending

PRIVATE = filters.ChatType.PRIVATE
PENDING = "department_edit"
TEXT = 1
END = ConversationHandler.END


@domain_errors
async def departments_command(update: Update, context: Ctx) -> None:
    rows = await referrals.departments(core_of(context), actor_of(update))
    await say(update, *views.department_list(lang_of(update, context), rows))


@domain_errors
async def add_department(update: Update, context: Ctx) -> None:
    """`/adddepartment 街道城管科 @username` (or a Telegram id, or `offline`); a community's name after it
    when the admin administers several."""
    lang = lang_of(update, context)
    args = list(context.args or [])
    if len(args) < 2:
        await say(update, views.usage(lang))
        return
    contact = None if args[1].lower() in referrals.OFFLINE_WORDS else person_ref(args[1])
    row = await referrals.add_department(
        core_of(context), actor_of(update), args[0], contact, " ".join(args[2:]) or None
    )
    await say(update, views.added(lang, row))


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    row = await referrals.show_department(
        core_of(context), actor_of(update), views.DEP_SHOW.parse_id(press_data(update))
    )
    await answer(update)
    await edit_or_say(update, *views.card(lang_of(update, context), row))


@domain_errors
async def remove_button(update: Update, context: Ctx) -> None:
    dep_id = views.DEP_REMOVE.parse_id(press_data(update))
    row = await referrals.check_department(core_of(context), actor_of(update), dep_id)
    await answer(update)
    await edit_or_say(update, *views.ask_remove(lang_of(update, context), row))


@domain_errors
async def remove_yes_button(update: Update, context: Ctx) -> None:
    dep_id = views.DEP_REMOVE_YES.parse_id(press_data(update))
    done = await referrals.remove_department(core_of(context), actor_of(update), dep_id)
    await answer(update)
    await edit_or_say(update, views.removed(lang_of(update, context), done))


@domain_errors
async def restore_button(update: Update, context: Ctx) -> None:
    dep_id = views.DEP_RESTORE.parse_id(press_data(update))
    row = await referrals.restore_department(core_of(context), actor_of(update), dep_id)
    await answer(update)
    await edit_or_say(update, *views.saved(lang_of(update, context), row))


@domain_errors
async def ask_edit(update: Update, context: Ctx) -> int | None:
    data = press_data(update)
    field = "name" if views.DEP_RENAME.matches(data) else "contact"
    dep_id = (views.DEP_RENAME if field == "name" else views.DEP_CONTACT).parse_id(data)
    row = await referrals.check_department(core_of(context), actor_of(update), dep_id)
    await answer(update)
    remember(context, PENDING, id=dep_id, field=field)
    lang = lang_of(update, context)
    await say(update, views.ask_name(lang, row) if field == "name" else views.ask_contact(lang, row))
    return TEXT


@last_step
async def edit_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    core, actor, text = core_of(context), actor_of(update), (message_of(update).text or "").strip()
    dep_id = int(pending.get("id", 0))
    if pending.get("field") == "name":
        row = await referrals.rename_department(core, actor, dep_id, text)
    else:
        contact = None if text.lower() in referrals.OFFLINE_WORDS else person_ref(text)
        try:
            row = await referrals.change_contact(core, actor, dep_id, contact)
        except NotFound as e:  # nobody the bot knows: a typo to correct, the step stays open
            raise InvalidInput(e.key, **e.params) from e
    user_data(context).pop(PENDING, None)
    await say(update, *views.saved(lang_of(update, context), row))
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, views.edit_cancelled(lang_of(update, context)))
    return END


def build_handlers() -> list[AnyHandler]:
    editing = conversation(
        name=PENDING,
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(ask_edit, pattern=views.DEP_RENAME.pattern),
            CallbackQueryHandler(ask_edit, pattern=views.DEP_CONTACT.pattern),
        ],
        states={
            TEXT: [
                MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, edit_text),
                MessageHandler(PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only),
            ]
        },
        fallbacks=[CommandHandler("cancel", cancel)],
    )
    return [
        editing,
        CommandHandler("departments", departments_command, filters=PRIVATE),
        CommandHandler("adddepartment", add_department, filters=PRIVATE),
        CallbackQueryHandler(show_button, pattern=views.DEP_SHOW.pattern),
        CallbackQueryHandler(remove_button, pattern=views.DEP_REMOVE.pattern),
        CallbackQueryHandler(remove_yes_button, pattern=views.DEP_REMOVE_YES.pattern),
        CallbackQueryHandler(restore_button, pattern=views.DEP_RESTORE.pattern),
    ]
