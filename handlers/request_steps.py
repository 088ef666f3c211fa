"""点单's steps, one question each: category, what, when (or a typed date), where, contact, (slots),
confirm. Each step keeps the answer in the draft (user data) and asks the next question; the entry,
sending and /cancel: requests.py."""

from __future__ import annotations

from datetime import date

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.i18n import LANGUAGES, t, tp
from bot.services import requests as svc
from bot.services.kernel.errors import DomainError
from bot.views.callbacks import StaleButton
from bot.views.requests.callbacks import REQ_CATEGORY, REQ_SLOTS, REQ_WHEN
from bot.views.requests.intake import (
    ask_date,
    ask_slots,
    ask_when,
    category_buttons,
    confirm_buttons,
    confirm_text,
    date_refused,
    day_buttons,
    slots_buttons,
    when_buttons,
    when_hint,
)
from bot.views.requests.labels import category_label
from storage.enums import WhenKind

from .base import Ctx, core_of, domain_errors, draft, lang_of, message_of, query_of, say, superseded, user_of

GRID, CAT, SUMMARY, WHEN, DATE, ADDRESS, CONTACT, SLOTS, CONFIRM = (
    "grid",
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
    if await superseded(update, context, draft(context, DRAFT)):
        return None
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
    if "category" not in draft(context, DRAFT):
        await say(update, t(lang, "request.hint.use_buttons"), category_buttons(lang))
    else:
        await say(update, when_hint(lang, await _today(context)), when_buttons(lang))


async def _today(context: Ctx) -> date:
    """Today where the request goes (the prompts' examples start from it)."""
    return await svc.grid_today(core_of(context), draft(context, DRAFT).get("grid_id", 0))


@domain_errors
async def summary_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    draft(context, DRAFT)["summary"] = svc.check_summary(message_of(update).text)
    await say(update, ask_when(lang, await _today(context)), when_buttons(lang))
    return WHEN


async def when_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    await answer_press(update)
    try:
        (value,) = REQ_WHEN.parse(query_of(update).data)
    except StaleButton:
        await say(update, t(lang, "request.error.when"), when_buttons(lang))
        return WHEN
    if value == WhenKind.date.value:
        await say(update, ask_date(lang, await _today(context)), day_buttons(lang))
        return DATE
    draft(context, DRAFT).update(when_kind=value, when_date=None)
    return await _after_date(update, context)


async def tomorrow_button(update: Update, context: Ctx) -> object:
    d = draft(context, DRAFT)
    if await superseded(update, context, d):
        return None
    await answer_press(update)
    d.update(when_kind=WhenKind.date.value, when_date=await svc.tomorrow(core_of(context), d.get("grid_id", 0)))
    return await _after_date(update, context)


async def date_text(update: Update, context: Ctx) -> object:
    """A typed date (any message where a date was asked): taken, or refused with what to do."""
    return await _typed_date(update, context, where_asked=DATE)


async def when_text(update: Update, context: Ctx) -> object:
    """A date typed instead of pressing a button is fine too; other text: the buttons again."""
    return await _typed_date(update, context, where_asked=WHEN)


async def _typed_date(update: Update, context: Ctx, *, where_asked: str) -> object:
    d = draft(context, DRAFT)
    try:
        d["when_date"] = await svc.check_date(core_of(context), d.get("grid_id", 0), message_of(update).text)
    except svc.DateRefused as e:
        if where_asked == WHEN and e.key == "request.error.date_format":
            await use_buttons(update, context)
            return WHEN
        return await refuse_date(update, context, e)
    d["when_kind"] = WhenKind.date.value
    return await _after_date(update, context)


async def refuse_date(update: Update, context: Ctx, e: svc.DateRefused) -> object:
    """Why not this date, what to type instead, and Today / Tomorrow to press."""
    lang = lang_of(update, context)
    await say(update, date_refused(lang, e), day_buttons(lang))
    return DATE


async def _after_date(update: Update, context: Ctx) -> object:
    """The address next; a date asked again at sending goes straight back to the summary."""
    d = draft(context, DRAFT)
    if "address" in d and "phone" in d:
        return await confirm(update, context)
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
    return await confirm(update, context)


@domain_errors
async def slots_input(update: Update, context: Ctx) -> object:
    await answer_press(update)
    if update.callback_query:
        (raw,) = REQ_SLOTS.parse(update.callback_query.data)
    else:
        raw = message_of(update).text
    draft(context, DRAFT)["slots"] = svc.check_slots(raw)
    return await confirm(update, context)


async def confirm(update: Update, context: Ctx) -> object:
    """The draft to check, with Send / Start again / Cancel."""
    lang = lang_of(update, context)
    this_year = (await _today(context)).year
    await say(update, confirm_text(lang, draft(context, DRAFT), this_year), confirm_buttons(lang))
    return CONFIRM


async def confirm_hint(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "request.hint.confirm"))
    return await confirm(update, context)
