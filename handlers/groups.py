"""Group chats: /bind a group to a grid (volunteer or residents group), /unbind it, keep invite
links fresh, and a short explanation in groups that nobody bound yet."""

from __future__ import annotations

from datetime import timedelta

from telegram import ChatMember, MessageEntity, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.i18n import t, tp
from bot.services import places as groups
from bot.views.places import groups as views
from bot.views.places.callbacks import GRP_BIND, GRP_KIND, PICK_BIND
from bot.views.places.labels import kind_text
from storage.enums import ChatKind

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say
from .pickers import answer, paged, picker, show

GROUPS = filters.ChatType.GROUPS
KINDS = {"v": ChatKind.volunteers, "r": ChatKind.residents}
EXPLAIN_EVERY = timedelta(minutes=30)


async def _bot_status(context: Ctx, chat_id: int) -> str:
    """The bot's own membership in the chat, asked from Telegram (getChatMember)."""
    try:
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
    except (BadRequest, Forbidden):
        return ChatMember.LEFT
    return member.status


async def _invite_link(context: Ctx, chat_id: int, status: str) -> str | None:
    if status not in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
        return None
    try:
        return await context.bot.export_chat_invite_link(chat_id)
    except TelegramError:
        return None


@domain_errors
async def bind_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    chat = update.effective_chat
    assert chat is not None
    if chat.type == chat.PRIVATE:
        await say(update, t(lang, "groups.bind_in_group"))
        return
    await groups.bindable_grids(core_of(context), actor_of(update))  # refuses people who lead nothing
    current = await groups.binding_of_chat(core_of(context), chat.id)
    await say(
        update,
        views.choose_kind(lang, None if current is None else (current[1].name, current[0].kind)),
        views.kind_buttons(lang),
    )


@domain_errors
async def kind_chosen(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    (kind,) = GRP_KIND.parse(press_data(update))
    grids = await groups.bindable_grids(core_of(context), actor_of(update))
    if len(grids) == 1:
        await _bind(update, context, grids[0].id or 0, KINDS[kind])
        return
    await answer(update)
    await show(
        update,
        t(lang, "groups.bind_choose_grid", kind=kind_text(lang, KINDS[kind].value)),
        paged(PICK_BIND[kind], await _bindable_items(update, context, kind), lang),
    )


async def _bindable_items(update: Update, context: Ctx, kind: str) -> list[tuple[str, str]]:
    grids = await groups.bindable_grids(core_of(context), actor_of(update))
    return views.grid_items(await groups.with_communities(core_of(context), grids), kind)


def _bindable(kind: str) -> None:
    async def load(update: Update, context: Ctx) -> list[tuple[str, str]]:
        return await _bindable_items(update, context, kind)

    picker(PICK_BIND[kind])(load)


_bindable("v")
_bindable("r")


@domain_errors
async def grid_chosen(update: Update, context: Ctx) -> None:
    grid_id, kind = GRP_BIND.parse(press_data(update))
    await _bind(update, context, grid_id, KINDS[kind])


async def _bind(update: Update, context: Ctx, grid_id: int, kind: ChatKind) -> None:
    lang = lang_of(update, context)
    chat = update.effective_chat
    assert chat is not None
    status = await _bot_status(context, chat.id)
    member = status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    link = await _invite_link(context, chat.id, status) if kind == ChatKind.volunteers else None
    result = await groups.bind_chat(
        core_of(context),
        actor_of(update),
        chat_id=chat.id,
        title=chat.title or "",
        grid_id=grid_id,
        kind=kind,
        bot_is_member=member,
        invite_link=link,
    )
    await answer(update, tp(lang, "groups.bound_short"))
    await show(update, views.bound(lang, result))


@domain_errors
async def unbind_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    chat = update.effective_chat
    assert chat is not None
    if chat.type == chat.PRIVATE:
        await say(update, t(lang, "groups.bind_in_group"))
        return
    binding, grid = await groups.unbind_chat(core_of(context), actor_of(update), chat.id)
    await say(update, t(lang, "groups.unbound", grid=grid.name, kind=kind_text(lang, binding.kind)))


async def bot_membership(update: Update, context: Ctx) -> None:
    """When the bot is made an admin of a bound volunteer group, fetch an invite link for approvals."""
    change = update.my_chat_member
    if change is None or change.new_chat_member.status != ChatMember.ADMINISTRATOR:
        return
    current = await groups.binding_of_chat(core_of(context), change.chat.id)
    if current is None or current[0].kind != ChatKind.volunteers.value:
        return
    link = await _invite_link(context, change.chat.id, ChatMember.ADMINISTRATOR)
    if link:
        await groups.remember_invite_link(core_of(context), change.chat.id, link)


async def chat_migrated(update: Update, context: Ctx) -> None:
    msg = update.effective_message
    if msg is not None and msg.migrate_to_chat_id:
        await groups.chat_migrated(core_of(context), msg.chat_id, msg.migrate_to_chat_id)


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("bind", bind_command, filters=GROUPS | filters.ChatType.PRIVATE),
        CommandHandler("unbind", unbind_command, filters=GROUPS | filters.ChatType.PRIVATE),
        CallbackQueryHandler(kind_chosen, pattern=GRP_KIND.pattern),
        CallbackQueryHandler(grid_chosen, pattern=GRP_BIND.pattern),
        ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
    ]


# ------------------------------------------------------------------ unbound groups
def _addressed_to_bot(update: Update, context: Ctx) -> bool:
    msg = update.effective_message
    if msg is None:
        return False
    me = (context.bot.username or "").lower()
    text = msg.text or msg.caption or ""
    for ent in msg.entities or ():
        piece = (
            text[ent.offset : ent.offset + ent.length].lower()
            if ent.type in (MessageEntity.BOT_COMMAND, MessageEntity.MENTION)
            else ""
        )
        if ent.type == MessageEntity.BOT_COMMAND and ("@" not in piece or piece.endswith("@" + me)):
            return True
        if ent.type == MessageEntity.MENTION and piece == "@" + me:
            return True
    reply = msg.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == context.bot.id)


async def unbound_group(update: Update, context: Ctx) -> None:
    """Someone talks to the bot in a group nobody bound: explain once in a while, never every message."""
    chat = update.effective_chat
    if chat is None or not _addressed_to_bot(update, context):
        return
    core = core_of(context)
    if await groups.binding_of_chat(core, chat.id) is not None:
        return
    told = context.bot_data.setdefault("unbound_told", {})
    last = told.get(chat.id)
    now = core.clock.now()
    if last is not None and now - last < EXPLAIN_EVERY:
        return
    told[chat.id] = now
    await say(update, t(lang_of(update, context), "groups.unbound_explain"))


def build_fallbacks() -> list[AnyHandler]:
    return [
        MessageHandler(
            GROUPS & (filters.COMMAND | filters.Entity(MessageEntity.MENTION) | filters.REPLY), unbound_group
        )
    ]
