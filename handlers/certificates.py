"""/certificate: a volunteer's certificate of confirmed service (志愿服务证明) for this year, last year,
the last 12 months, or two dates typed after the command; sent as an A4 PDF in their language.
Private chat only (it names the volunteer): in a group, a button to the private chat."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import t
from bot.services.certificates import Choice, my_certificate
from bot.views.certificates import CERT_PERIOD, caption, certificate_pdf, filename, period_buttons

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, message_of, press_data, query_of, say
from .tasks import group_hint, in_group


async def _send(update: Update, context: Ctx, choice: Choice | None, typed: str | None = None) -> None:
    lang = lang_of(update, context)
    cert = await my_certificate(core_of(context), actor_of(update), choice, typed)
    pdf = await asyncio.to_thread(certificate_pdf, cert, lang)  # matplotlib is CPU-bound
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(pdf, filename=filename(cert)), caption=caption(lang, cert), parse_mode=ParseMode.HTML
    )


@domain_errors
async def certificate_command(update: Update, context: Ctx) -> None:
    if in_group(update):
        await group_hint(update, context)
        return
    typed = (message_of(update).text or "").partition(" ")[2].strip()
    if typed:
        await _send(update, context, None, typed)
        return
    lang = lang_of(update, context)
    await say(update, t(lang, "certificate.ask"), period_buttons(lang))


@domain_errors
async def period_button(update: Update, context: Ctx) -> None:
    (choice,) = CERT_PERIOD.parse(press_data(update))
    if choice == "custom":
        await query_of(update).answer()
        await say(update, t(lang_of(update, context), "certificate.ask_range"))
        return
    await _send(update, context, Choice(choice))
    await query_of(update).answer()


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("certificate", certificate_command),
        CallbackQueryHandler(period_button, pattern=CERT_PERIOD.pattern),
    ]
