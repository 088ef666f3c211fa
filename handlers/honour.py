"""/honour (volunteers, private chat): last month's honour list of their community and whether they
appear on it; /honour off|on and the button under it leave the list or come back."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import t
from bot.services import honour
from bot.views import honour as view

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, query_of, say

ON, OFF = ("on", "开", "开启", "上榜"), ("off", "关", "关闭", "不上榜")


@domain_errors
async def honour_command(update: Update, context: Ctx) -> None:
    lang, core, actor = lang_of(update, context), core_of(context), actor_of(update)
    args = [a.strip().lower() for a in (context.args or [])]
    if len(args) > 1 or (args and args[0] not in ON + OFF):
        await say(update, t(lang, "honour.bad_command"))
        return
    if args:
        out = args[0] in OFF
        changed = await honour.set_honour_opt_out(core, actor, out)
        await say(update, view.opt_answer(lang, out, changed), [[view.opt_button(lang, out)]])
        return
    await say(update, *view.my_honour(lang, await honour.my_honour(core, actor)))


@domain_errors
async def opt_button(update: Update, context: Ctx) -> None:
    """Sets what the button shows, whenever it is pressed; the message then shows the choice made."""
    q = query_of(update)
    (choice,) = view.OPT.parse(q.data)
    lang, core, actor = lang_of(update, context), core_of(context), actor_of(update)
    out = choice == "out"
    changed = await honour.set_honour_opt_out(core, actor, out)
    await q.answer(view.opt_answer(lang, out, changed))
    await edit_or_say(update, *view.my_honour(lang, await honour.my_honour(core, actor)))


def build_handlers() -> list[AnyHandler]:
    return [CommandHandler("honour", honour_command), CallbackQueryHandler(opt_button, pattern=view.OPT.pattern)]
