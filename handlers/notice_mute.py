"""Residents' choice about notices: /notices (show), /notices on|off, and the button under each
notice ("no more notices" / "receive notices again"), which then shows the opposite choice."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import t
from bot.services import loudspeaker
from bot.transport import raw_api
from bot.views import loudspeaker as view

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, markup, query_of, say

ON, OFF = ("on", "开", "开启", "打开"), ("off", "关", "关闭")


@domain_errors
async def notices_command(update: Update, context: Ctx) -> None:
    lang, core, actor = lang_of(update, context), core_of(context), actor_of(update)
    args = [a.strip().lower() for a in (context.args or [])]
    if not args:
        await say(update, *view.mute_state(lang, await loudspeaker.notices_muted(core, actor)))
        return
    if len(args) != 1 or args[0] not in ON + OFF:
        await say(update, t(lang, "notice.mute.bad_command"))
        return
    muted = args[0] in OFF
    changed = await loudspeaker.set_notices_muted(core, actor, muted)
    await say(update, view.mute_answer(lang, muted, changed), [[view.mute_button(lang, muted, view.MUTE_SCREEN)]])


@domain_errors
async def mute_button(update: Update, context: Ctx) -> None:
    """The choice the button shows, whenever it is pressed (the notice is left as it is, its button turned)."""
    q = query_of(update)
    (flag,) = view.MUTE.parse(q.data)
    lang, muted = lang_of(update, context), flag == "on"
    changed = await loudspeaker.set_notices_muted(core_of(context), actor_of(update), muted)
    await q.answer(view.mute_answer(lang, muted, changed), show_alert=changed)
    m = q.message
    if m is not None and m.chat.type == "private":
        await raw_api.call(
            q.get_bot(),
            "editMessageReplyMarkup",
            chat_id=m.chat.id,
            message_id=m.message_id,
            reply_markup=markup([[view.mute_button(lang, muted)]]),
        )


@domain_errors
async def mute_screen_button(update: Update, context: Ctx) -> None:
    """The button under /notices: the choice set, and the message then says what it now is."""
    q = query_of(update)
    (flag,) = view.MUTE_SCREEN.parse(q.data)
    lang, muted = lang_of(update, context), flag == "on"
    changed = await loudspeaker.set_notices_muted(core_of(context), actor_of(update), muted)
    await q.answer(view.mute_answer(lang, muted, changed))
    await edit_or_say(update, *view.mute_state(lang, muted))


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("notices", notices_command),
        CallbackQueryHandler(mute_button, pattern=view.MUTE.pattern),
        CallbackQueryHandler(mute_screen_button, pattern=view.MUTE_SCREEN.pattern),
    ]
