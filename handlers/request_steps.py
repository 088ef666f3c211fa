"""点单's steps, one question each: category, what, when (or a typed date), where, contact, (slots),
confirm. Each step keeps the answer in the draft (user data) and asks the next question; the entry,
sending and /cancel: requests.py."""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.i18n import LANGUAGES, t, tp
from bot.services import requests as svc
from bot.services.kernel.errors import DomainError
from bot.views.callbacks import StaleButton
from bot.views.requests.callbacks import REQ_CATEGORY, REQ_SLOTS, REQ_WHEN
from bot.views.requests.intake import (
    ask_slots,
    category_buttons,
    confirm_buttons,
    confirm_text,
    slots_buttons,
    when_buttons,
)
from bot.views.requests.labels import category_label
from storage.enums import WhenKind

from .base import Ctx, core_of, domain_errors, draft, lang_of, message_of, query_of, say, user_of

CAT, SUMMARY, WHEN, DATE, ADDRESS, CONTACT, SLOTS, CONFIRM = (
    "category",
    "summary",
    "when",
    "date",
    "address",
    "contact",
    "slots",
    "confirm",
)
DRAFT = "request_draft"


def contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(tp(lang, "request.contact.share_button"), request_contact=True)],
            [KeyboardButton(tp(lang, "request.contact.telegram_button"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def answer_press(update: Update) -> None:
    if update.callback_query:
        await update.callback_query.answer()


async def category_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await answer_press(update)
    try:
        (value,) = REQ_CATEGORY.parse(query_of(update).data)
    except StaleButton:
        await say(update, t(lang, "request.error.category"), category_buttons(lang))
        return CAT
    draft(context, DRAFT)["category"] = value
    await say(update, t(lang, "request.ask.summary", category=category_label(lang, value), max=svc.SUMMARY_MAX))
    return SUMMARY


async def use_buttons(update: Update, context: Ctx) -> None:
    """Typed text where a button was expected: say so and show the buttons again."""
    lang = lang_of(update, context)
    state_buttons = category_buttons(lang) if "category" not in draft(context, DRAFT) else when_buttons(lang)
    await say(update, t(lang, "request.hint.use_buttons"), state_buttons)


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


@domain_errors
async def summary_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    draft(context, DRAFT)["summary"] = svc.check_summary(message_of(update).text)
    await say(update, t(lang, "request.ask.when"), when_buttons(lang))
    return WHEN


async def when_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await answer_press(update)
    try:
        (value,) = REQ_WHEN.parse(query_of(update).data)
    except StaleButton:
        await say(update, t(lang, "request.error.when"), when_buttons(lang))
        return WHEN
    draft(context, DRAFT).update(when_kind=value, when_date=None)
    if value == WhenKind.date.value:
        await say(update, t(lang, "request.ask.date"))
        return DATE
    return await _ask_address(update, context)


async def _take_date(update: Update, context: Ctx) -> object:
    d = draft(context, DRAFT)
    d["when_date"] = await svc.check_date(core_of(context), d.get("grid_id", 0), message_of(update).text)
    d["when_kind"] = WhenKind.date.value
    return await _ask_address(update, context)


date_text = domain_errors(_take_date)


async def when_text(update: Update, context: Ctx) -> object:
    """A date typed instead of pressing a button is fine too."""
    try:
        return await _take_date(update, context)
    except DomainError:
        await use_buttons(update, context)
        return WHEN


async def _ask_address(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "request.ask.address"))
    return ADDRESS


@domain_errors
async def address_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    draft(context, DRAFT)["address"] = svc.check_address(message_of(update).text)
    await say(update, t(lang, "request.ask.contact"), reply_markup=contact_keyboard(lang))
    return CONTACT


@domain_errors
async def contact_shared(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    contact = message_of(update).contact
    if contact is None or contact.user_id != user_of(update).id:
        await say(update, t(lang, "request.error.foreign_contact"), reply_markup=contact_keyboard(lang))
        return CONTACT
    draft(context, DRAFT)["phone"] = svc.check_phone(contact.phone_number)
    await say(update, t(lang, "request.contact.noted_phone"), reply_markup=ReplyKeyboardRemove())
    return await _after_contact(update, context)


async def contact_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    text = (message_of(update).text or "").strip()
    if text in {tp(lg, "request.contact.telegram_button") for lg in LANGUAGES}:
        draft(context, DRAFT)["phone"] = None
        await say(update, t(lang, "request.contact.noted_telegram"), reply_markup=ReplyKeyboardRemove())
        return await _after_contact(update, context)
    try:
        draft(context, DRAFT)["phone"] = svc.check_phone(text)
    except DomainError:
        await say(update, t(lang, "request.error.contact"), reply_markup=contact_keyboard(lang))
        return CONTACT
    await say(update, t(lang, "request.contact.noted_phone"), reply_markup=ReplyKeyboardRemove())
    return await _after_contact(update, context)


async def _after_contact(update: Update, context: Ctx) -> object:
    d, lang = draft(context, DRAFT), lang_of(update, context)
    if d.get("leader"):
        await say(update, ask_slots(lang), slots_buttons())
        return SLOTS
    d["slots"] = 1
    return await _confirm(update, context)


@domain_errors
async def slots_input(update: Update, context: Ctx) -> object:
    await answer_press(update)
    if update.callback_query:
        (raw,) = REQ_SLOTS.parse(update.callback_query.data)
    else:
        raw = message_of(update).text
    draft(context, DRAFT)["slots"] = svc.check_slots(raw)
    return await _confirm(update, context)


async def _confirm(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await say(update, confirm_text(lang, draft(context, DRAFT)), confirm_buttons(lang))
    return CONFIRM


async def confirm_hint(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "request.hint.confirm"))
    return await _confirm(update, context)
