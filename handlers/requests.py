"""点单: the resident's guided request — category, what, when, where, contact, (slots), confirm.

Entry: /request, the "Ask for help" menu button, the deep link `/start req`. In a group the bot
collects nothing: it answers with a button that opens the private chat. /cancel leaves any step.
"""
from __future__ import annotations

import warnings

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler,
                          filters)
from telegram.warnings import PTBUserWarning

from bot.transport import raw_api
from bot.i18n import LANGUAGES, t, tp
from bot.services.requests import fields as rin
from bot.services.requests import intake as svc
from bot.services.requests.cards import CATEGORY_KEYS, category_label, when_label
from bot.services.kernel.errors import DomainError
from bot.services.kernel.notifier import Button
from storage.enums import Category, WhenKind

from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say

CAT, SUMMARY, WHEN, DATE, ADDRESS, CONTACT, SLOTS, CONFIRM = (
    "category", "summary", "when", "date", "address", "contact", "slots", "confirm")
END = ConversationHandler.END
DRAFT = "request_draft"
WHEN_BUTTON_KEYS = {WhenKind.urgent.value: "request.ask.when_urgent_button", WhenKind.today.value: "request.ask.when_today_button",
                    WhenKind.this_week.value: "request.ask.when_week_button", WhenKind.date.value: "request.ask.when_date_button"}


def _draft(context: Ctx) -> dict:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def category_buttons(lang: str) -> list[list[Button]]:
    cats = [c.value for c in Category]
    buttons = [Button(tp(lang, CATEGORY_KEYS[c]), data=f"req:cat:{c}") for c in cats]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def when_buttons(lang: str) -> list[list[Button]]:
    b = [Button(tp(lang, WHEN_BUTTON_KEYS[w.value]), data=f"req:when:{w.value}") for w in WhenKind]
    return [b[:2], b[2:]]


def contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([[KeyboardButton(tp(lang, "request.contact.share_button"), request_contact=True)],
                                [KeyboardButton(tp(lang, "request.contact.telegram_button"))]],
                               resize_keyboard=True, one_time_keyboard=True)


async def _answer(update: Update) -> None:
    if update.callback_query:
        await update.callback_query.answer()


async def request_command(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    if update.effective_chat and update.effective_chat.type != "private":
        url = f"https://t.me/{context.bot.username}?start=req"
        await say(update, t(lang, "request.group_hint"), [[Button(tp(lang, "request.open_private_button"), url=url)]])
        return END
    try:
        start = await svc.begin_request(core_of(context), actor_of(update))
    except svc.NoGrid:
        await say(update, t(lang, "request.error.no_grid"), [[Button(tp(lang, "request.choose_grid_button"), data="menu:grid")]])
        return END
    context.user_data[DRAFT] = {"grid_id": start.grid_id, "leader": start.can_set_slots}  # type: ignore[index]
    await say(update, t(lang, "request.ask.category", grid=start.grid_name), category_buttons(lang))
    return CAT


async def category_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    value = (update.callback_query.data or "").split(":")[-1]  # type: ignore[union-attr]
    if value not in CATEGORY_KEYS:
        await say(update, t(lang, "request.error.category"), category_buttons(lang))
        return CAT
    _draft(context)["category"] = value
    await say(update, t(lang, "request.ask.summary", category=category_label(lang, value), max=rin.SUMMARY_MAX))
    return SUMMARY


async def use_buttons(update: Update, context: Ctx) -> None:
    """Typed text where a button was expected: say so and show the buttons again."""
    lang = lang_of(update, context)
    state_buttons = category_buttons(lang) if "category" not in _draft(context) else when_buttons(lang)
    await say(update, t(lang, "request.hint.use_buttons"), state_buttons)


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


@domain_errors
async def summary_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    _draft(context)["summary"] = rin.check_summary(update.effective_message.text)  # type: ignore[union-attr]
    await say(update, t(lang, "request.ask.when"), when_buttons(lang))
    return WHEN


async def when_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    value = (update.callback_query.data or "").split(":")[-1]  # type: ignore[union-attr]
    if value not in WHEN_BUTTON_KEYS:
        await say(update, t(lang, "request.error.when"), when_buttons(lang))
        return WHEN
    _draft(context).update(when_kind=value, when_date=None)
    if value == WhenKind.date.value:
        await say(update, t(lang, "request.ask.date"))
        return DATE
    return await _ask_address(update, context)


async def _take_date(update: Update, context: Ctx) -> object:
    d = _draft(context)
    d["when_date"] = await svc.check_date(core_of(context), d.get("grid_id", 0), update.effective_message.text)  # type: ignore[union-attr]
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
    _draft(context)["address"] = rin.check_address(update.effective_message.text)  # type: ignore[union-attr]
    await say(update, t(lang, "request.ask.contact"), reply_markup=contact_keyboard(lang))
    return CONTACT


@domain_errors
async def contact_shared(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    contact = update.effective_message.contact  # type: ignore[union-attr]
    if contact is None or contact.user_id != update.effective_user.id:  # type: ignore[union-attr]
        await say(update, t(lang, "request.error.foreign_contact"), reply_markup=contact_keyboard(lang))
        return CONTACT
    _draft(context)["phone"] = rin.check_phone(contact.phone_number)
    await say(update, t(lang, "request.contact.noted_phone"), reply_markup=ReplyKeyboardRemove())
    return await _after_contact(update, context)


async def contact_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    text = (update.effective_message.text or "").strip()  # type: ignore[union-attr]
    if text in {tp(lg, "request.contact.telegram_button") for lg in LANGUAGES}:
        _draft(context)["phone"] = None
        await say(update, t(lang, "request.contact.noted_telegram"), reply_markup=ReplyKeyboardRemove())
        return await _after_contact(update, context)
    try:
        _draft(context)["phone"] = rin.check_phone(text)
    except DomainError:
        await say(update, t(lang, "request.error.contact"), reply_markup=contact_keyboard(lang))
        return CONTACT
    await say(update, t(lang, "request.contact.noted_phone"), reply_markup=ReplyKeyboardRemove())
    return await _after_contact(update, context)


async def _after_contact(update: Update, context: Ctx) -> object:
    d, lang = _draft(context), lang_of(update, context)
    if d.get("leader"):
        rows = [[Button(str(n), data=f"req:slots:{n}") for n in range(1, 7)]]
        await say(update, t(lang, "request.ask.slots", max=rin.MAX_SLOTS), rows)
        return SLOTS
    d["slots"] = 1
    return await _confirm(update, context)


@domain_errors
async def slots_input(update: Update, context: Ctx) -> object:
    await _answer(update)
    raw = update.callback_query.data.split(":")[-1] if update.callback_query else update.effective_message.text  # type: ignore[union-attr]
    _draft(context)["slots"] = rin.check_slots(raw)
    return await _confirm(update, context)


def confirm_text(lang: str, d: dict) -> str:
    lines = [t(lang, "request.confirm.head"),
             t(lang, "request.confirm.category", category=category_label(lang, d.get("category", ""))),
             t(lang, "request.confirm.summary", summary=d.get("summary", "")),
             t(lang, "request.confirm.when", when=when_label(lang, d.get("when_kind", ""), d.get("when_date"))),
             t(lang, "request.confirm.address", address=d.get("address", ""))]
    lines.append(t(lang, "request.confirm.phone", phone=d["phone"]) if d.get("phone") else t(lang, "request.confirm.telegram"))
    if d.get("slots", 1) > 1:
        lines.append(t(lang, "request.confirm.slots", slots=d["slots"]))
    lines.append(t(lang, "request.confirm.privacy"))
    return "\n".join(lines)


async def _confirm(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await say(update, confirm_text(lang, _draft(context)),
              [[Button(tp(lang, "request.confirm.send_button"), data="req:send")],
               [Button(tp(lang, "request.confirm.restart_button"), data="req:restart"),
                Button(tp(lang, "request.confirm.cancel_button"), data="req:cancel")]])
    return CONFIRM


async def confirm_hint(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "request.hint.confirm"))
    return await _confirm(update, context)


async def send_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    d = _draft(context)
    draft = svc.RequestDraft(d.get("category", ""), d.get("summary", ""), d.get("when_kind", ""), d.get("when_date"),
                             d.get("address"), d.get("phone"), int(d.get("slots", 1)))
    try:
        req = await svc.create_request(core_of(context), actor_of(update), draft, grid_id=d.get("grid_id"),
                                       source="leader" if d.get("leader") else "resident")
    except DomainError as e:
        await say(update, t(lang, e.key, **e.params))
        if e.key.startswith("request.error.date"):
            await say(update, t(lang, "request.ask.when"), when_buttons(lang))
            return WHEN
        return CONFIRM
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await _strip_buttons(update)
    await say(update, t(lang, "request.sent", code=req.code or ""), [[Button(tp(lang, "request.my_button"), data="my:list")]])
    return END


async def _strip_buttons(update: Update) -> None:
    q = update.callback_query
    if q is not None and q.message is not None:
        try:
            await raw_api.call(q.get_bot(), "editMessageReplyMarkup", chat_id=q.message.chat.id,
                               message_id=q.message.message_id)
        except Exception:  # noqa: BLE001 - tidying only; the request is already sent
            pass


async def restart_button(update: Update, context: Ctx) -> object:
    await _strip_buttons(update)
    return await request_command(update, context)


async def cancel(update: Update, context: Ctx) -> object:
    await _answer(update)
    await _strip_buttons(update)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "request.cancelled"), reply_markup=ReplyKeyboardRemove())
    return END


def build_handlers() -> list[BaseHandler]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        conv = ConversationHandler(
            name="request", persistent=True, allow_reentry=True,
            entry_points=[CommandHandler("request", request_command),
                          CommandHandler("start", request_command, filters=filters.Regex(r"^/start req")),
                          CallbackQueryHandler(request_command, pattern=r"^menu:request$")],
            states={
                CAT: [CallbackQueryHandler(category_button, pattern=r"^req:cat:"), MessageHandler(text | other, use_buttons)],
                SUMMARY: [MessageHandler(text, summary_text), MessageHandler(other, text_only)],
                WHEN: [CallbackQueryHandler(when_button, pattern=r"^req:when:"), MessageHandler(text, when_text),
                       MessageHandler(other, use_buttons)],
                DATE: [MessageHandler(text, date_text), MessageHandler(other, text_only)],
                ADDRESS: [MessageHandler(text, address_text), MessageHandler(other, text_only)],
                CONTACT: [MessageHandler(filters.CONTACT, contact_shared), MessageHandler(text, contact_text),
                          MessageHandler(other, contact_text)],
                SLOTS: [CallbackQueryHandler(slots_input, pattern=r"^req:slots:\d{1,3}$"), MessageHandler(text, slots_input),
                        MessageHandler(other, text_only)],
                CONFIRM: [CallbackQueryHandler(send_button, pattern=r"^req:send$"),
                          CallbackQueryHandler(restart_button, pattern=r"^req:restart$"),
                          CallbackQueryHandler(cancel, pattern=r"^req:cancel$"), MessageHandler(text | other, confirm_hint)],
            },
            fallbacks=[CommandHandler("cancel", cancel)])
    return [conv]
