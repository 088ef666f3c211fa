"""What a queued row becomes on Telegram: a text, a photo or a document with its keyboard; a card's copy edited;
a person's menus set."""

from __future__ import annotations

from base64 import b64decode
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ParseMode

from bot.services.kernel.languages import pick_locale
from bot.transport import raw_api
from storage.enums import OutboxKind
from storage.models import OutboxMessage, PostedCard


def keyboard(buttons: list[list[dict[str, Any]]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b["label"], callback_data=b.get("data"), url=b.get("url")) for b in row]
            for row in buttons
        ]
    )


async def send(bot: Bot, row: OutboxMessage, p: dict[str, Any], *, paid: bool = False) -> int:
    """Send the row; the new message's id (a text's answer is read raw: bot/transport/raw_api.py).
    `paid`: with allow_paid_broadcast (outbox.paid_broadcast; PTB leaves the parameter out when None)."""
    markup = keyboard(p.get("buttons") or [])
    silent = bool(p.get("silent", True)) and not row.urgent
    paid_broadcast = True if paid else None
    if row.kind == OutboxKind.photo.value:
        return (
            await bot.send_photo(
                photo=b64decode(p["binary_b64"]),
                caption=p["text"][:1024],
                chat_id=row.chat_id,
                reply_markup=markup,
                disable_notification=silent,
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=paid_broadcast,
            )
        ).message_id
    if row.kind == OutboxKind.album.value:
        return await send_album(bot, row, p, silent=silent, paid_broadcast=paid_broadcast)
    if row.kind == OutboxKind.document.value:
        return (
            await bot.send_document(
                document=b64decode(p["binary_b64"]),
                filename=p.get("filename"),
                caption=p["text"][:1024],
                chat_id=row.chat_id,
                reply_markup=markup,
                disable_notification=silent,
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=paid_broadcast,
            )
        ).message_id
    return int(
        (
            await raw_api.call(
                bot,
                "sendMessage",
                text=p["text"],
                chat_id=row.chat_id,
                reply_markup=markup,
                disable_notification=silent,
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=paid_broadcast,
            )
        )["message_id"]
    )


async def send_album(
    bot: Bot, row: OutboxMessage, p: dict[str, Any], *, silent: bool, paid_broadcast: bool | None
) -> int:
    """Photos Telegram has (file ids): one as a photo, two to ten as an album, the text as the first's
    caption (an album carries no keyboard). The first message's id."""
    ids: list[str] = list(p["album"])
    caption = p["text"][:1024]
    if len(ids) == 1:
        return (
            await bot.send_photo(
                photo=ids[0],
                caption=caption,
                chat_id=row.chat_id,
                reply_markup=keyboard(p.get("buttons") or []),
                disable_notification=silent,
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=paid_broadcast,
            )
        ).message_id
    media = [
        InputMediaPhoto(fid, caption=caption if i == 0 else None, parse_mode=ParseMode.HTML)
        for i, fid in enumerate(ids[:10])
    ]
    sent = await bot.send_media_group(
        chat_id=row.chat_id, media=media, disable_notification=silent, allow_paid_broadcast=paid_broadcast
    )
    return sent[0].message_id


async def set_menus(bot: Bot, row: OutboxMessage, p: dict[str, Any]) -> None:
    """Set (or, when empty, remove) the menus of the row's chat, one language after another."""
    scope = BotCommandScopeChat(row.chat_id)
    for code, commands in p["menus"]:
        if commands:
            await bot.set_my_commands([BotCommand(c, d) for c, d in commands], scope=scope, language_code=code or None)
        else:
            await bot.delete_my_commands(scope=scope, language_code=code or None)


async def edit_copy(bot: Bot, card: PostedCard, p: dict[str, Any]) -> None:
    """Edit one posted copy of a card to the row's text and buttons."""
    await raw_api.call(
        bot,
        "editMessageText",
        chat_id=card.chat_id,
        message_id=card.message_id,
        text=p["text"],
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(p.get("buttons") or []),
    )


def in_language(p: dict[str, Any], language: str | None) -> dict[str, Any]:
    """The edit as its copy's reader reads it: a card shared by several chats is queued in every
    language (bot/outbox/notifier.py); a group, or a person who set none, reads the community's."""
    versions = p.get("languages") or {}
    return versions.get(pick_locale(language, ""), p) if language else p
