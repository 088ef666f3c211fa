"""💬 A relayed chat about one task: the resident and the volunteer write through the bot.

A "Message" button (relay:open:<request>[:<volunteer>]) puts the person in relay mode for that
task; their next private text goes to the other side, without usernames or phone numbers. It is
registered among the fallbacks, so it only sees what no feature took.
"""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services.requests import open_relay, relay_message
from bot.views.requests.callbacks import RELAY_OPEN_PATTERN, parse_relay

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    core_of,
    domain_errors,
    lang_of,
    message_of,
    press_data,
    query_of,
    say,
    user_data,
    user_of,
)
from .tasks import expired, in_group, last_step, remember, take_pending

WRITING = "writing"
END = ConversationHandler.END
PENDING = "relay"


@domain_errors
async def open_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    if in_group(update):
        await query_of(update).answer()
        return END
    rid, volunteer = parse_relay(press_data(update))
    target = await open_relay(core_of(context), actor_of(update), rid, volunteer)
    await query_of(update).answer()
    remember(context, PENDING, id=rid, volunteer=None if target.to_resident else target.volunteer_id)
    key = "relay.write_to_resident" if target.to_resident else "relay.write_to_volunteer"
    await say(update, t(lang, key, code=target.code, name=target.counterpart))
    return WRITING


@last_step
async def message_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    msg = message_of(update)
    target = await relay_message(
        core_of(context),
        actor_of(update),
        int(pending.get("id", 0)),
        pending.get("volunteer"),
        msg.text or "",
        f"{user_of(update).id}:{msg.message_id}",
    )
    user_data(context).pop(PENDING, None)
    await say(update, t(lang_of(update, context), "relay.sent", name=target.counterpart, code=target.code))
    return END


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "relay.text_only"))


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, t(lang_of(update, context), "relay.cancelled"))
    return END


def build_handlers() -> list[AnyHandler]:
    return []


def build_fallbacks() -> list[AnyHandler]:
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        return [
            ConversationHandler(
                name="relay",
                persistent=True,
                allow_reentry=True,
                entry_points=[CallbackQueryHandler(open_button, pattern=RELAY_OPEN_PATTERN)],
                states={
                    WRITING: [
                        MessageHandler(private & filters.TEXT & ~filters.COMMAND, message_text),
                        MessageHandler(
                            private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only
                        ),
                    ]
                },
                fallbacks=[CommandHandler("cancel", cancel)],
            )
        ]
