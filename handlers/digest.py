"""/digest: a grid leader's (or admin's) weekly digest on demand, with its chart; arrows page
through the weeks. Callback data: `digest:show:<g|c>:<id>:<week or empty>`."""
from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.i18n import t, tp
from bot.services.digests import weekly as digests
from bot.services.kernel.notifier import Button
from bot.services.kernel.periods import iso_week, next_week, previous_week

from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .pickers import int_arg

SCOPES = {"g": "grid", "c": "community"}


def _data(scope: str, target_id: int, week: str = "") -> str:
    return f"digest:show:{scope[0]}:{target_id}:{week}"


@domain_errors
async def digest_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(update, t(lang, "digest.private_only"))
        return
    choices = await digests.digest_choices(core_of(context), actor_of(update))
    week = digests.check_week(context.args[0]) if context.args else ""
    if len(choices) == 1:
        await _show(update, context, choices[0].scope, choices[0].target_id, week)
        return
    buttons = [[Button(tp(lang, "digest.button.community" if c.scope == "community" else "digest.button.grid", name=c.name),
                       data=_data(c.scope, c.target_id, week))] for c in choices]
    await say(update, t(lang, "digest.pick"), buttons)


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    parts = q.data.split(":")
    if len(parts) != 5 or parts[2] not in SCOPES or not parts[3].isdigit() or len(parts[3]) > 12:
        await q.answer(tp(lang_of(update, context), "error.stale_button"), show_alert=True)
        return
    await _show(update, context, SCOPES[parts[2]], int_arg(update, 3), parts[4])
    await q.answer()


async def _show(update: Update, context: Ctx, scope: str, target_id: int, week: str) -> None:
    core, lang = core_of(context), lang_of(update, context)
    d = await digests.preview_digest(core, actor_of(update), scope, target_id, week or None)
    png = await digests.chart_png(d, lang)
    chat = update.effective_chat
    assert chat is not None
    if png is not None:
        await chat.send_photo(png, caption=digests.title_line(lang, d), parse_mode=ParseMode.HTML)
    nav = [Button(tp(lang, "digest.button.prev", week=previous_week(d.week)), data=_data(scope, target_id, previous_week(d.week)))]
    if d.week < iso_week(core.clock.now(), d.tz):
        nav.append(Button(tp(lang, "digest.button.next", week=next_week(d.week)), data=_data(scope, target_id, next_week(d.week))))
    await say(update, digests.render_text(lang, d), [nav])


def build_handlers() -> list[BaseHandler]:
    return [CommandHandler("digest", digest_command),
            CallbackQueryHandler(show_button, pattern=r"^digest:show:")]
