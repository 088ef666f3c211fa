"""/dashboard: a one-time login link to the web dashboard, in a private chat only."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.ext import CommandHandler

from bot.i18n import t, tn
from bot.services.office import LINK_TTL, issue_login_link

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, say


@domain_errors
async def dashboard_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(update, t(lang, "dashboard.private_only"))  # a login link is personal
        return
    link = await issue_login_link(core_of(context), actor_of(update))
    await say(
        update,
        tn(lang, "dashboard.link", int(LINK_TTL.total_seconds() // 60), url=link.url),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def build_handlers() -> list[AnyHandler]:
    return [CommandHandler("dashboard", dashboard_command)]
