"""/digest: a grid leader's (or admin's) weekly digest on demand, with its chart; arrows page
through the weeks. Callback data: bot/views/digests (DIGEST_SHOW)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import views
from bot.i18n import t
from bot.services import digests
from bot.services.kernel.periods import iso_week

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, say


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
    await say(update, t(lang, "digest.pick"), views.digests.picker(lang, choices, week))


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None
    scope, target_id, week = views.digests.parse_show(q.data)
    await _show(update, context, scope, target_id, week)
    await q.answer()


async def _show(update: Update, context: Ctx, scope: str, target_id: int, week: str) -> None:
    core, lang = core_of(context), lang_of(update, context)
    d = await digests.preview_digest(core, actor_of(update), scope, target_id, week or None)
    png = await asyncio.to_thread(views.digests.chart_png, d, lang, cached=False)  # matplotlib is CPU-bound
    chat = update.effective_chat
    assert chat is not None
    if png is not None:
        await chat.send_photo(png, caption=views.digests.title_line(lang, d), parse_mode=ParseMode.HTML)
    await say(
        update,
        views.digests.render_text(lang, d),
        views.digests.nav_keyboard(lang, d, iso_week(core.clock.now(), d.tz)),
    )


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("digest", digest_command),
        CallbackQueryHandler(show_button, pattern=views.digests.DIGEST_SHOW.pattern),
    ]
