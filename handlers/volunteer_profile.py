"""/profile: a volunteer sees their profile, edits a field, or leaves the programme."""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.i18n import t, tp
from bot.services import people, units
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.views import units as unit_views
from bot.views.people import signup as views
from bot.views.people.callbacks import (
    PF_EDIT,
    PF_LEAVE,
    PF_LEAVE_YES,
    PF_NO_UNIT,
    PF_PARTY,
    PF_SHOCK,
    PF_SHOW,
    PF_SKILL,
    PF_SKILLS,
    PF_UNIT,
    PF_UNITS,
    PF_WORK_GROUP,
    PF_WORK_GROUPS,
)
from storage.enums import VolunteerStatus

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say
from .pickers import answer, conversation, show

PRIVATE = filters.ChatType.PRIVATE
EDIT_TEXT, EDIT_PHONE = 1, 2
TEXT_FIELDS = {"name": "volunteers.ask_name", "avail": "volunteers.ask_availability"}
GONE = (VolunteerStatus.left.value, VolunteerStatus.declined.value)


def share_phone(lang: str) -> ReplyKeyboardMarkup:
    """The reply keyboard that shares the user's own phone number (Telegram checks it is theirs)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(tp(lang, "volunteers.share_phone_button"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _render(update: Update, context: Ctx, view: people.VolunteerView | None = None, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    view = view or await people.my_profile(core_of(context), actor_of(update))
    if view is None or view.profile.status in GONE:
        await show(update, t(lang, "volunteers.no_profile"), new=new)
        return
    await show(update, *views.profile(lang, view), new=new)


@domain_errors
async def profile(update: Update, context: Ctx) -> None:
    await _render(update, context, new=True)


@domain_errors
async def back(update: Update, context: Ctx) -> None:
    await answer(update)
    await _render(update, context)


async def _set_flag(update: Update, context: Ctx, field: str, value: int) -> None:
    """Party member / shock team: the button carries the new value, the service checks it."""
    view = await people.update_profile(core_of(context), actor_of(update), field, value == 1)
    await answer(update, tp(lang_of(update, context), "volunteers.saved_short"))
    await _render(update, context, view)


@domain_errors
async def set_party(update: Update, context: Ctx) -> None:
    await _set_flag(update, context, "party_member", PF_PARTY.parse_id(press_data(update)))


@domain_errors
async def set_shock(update: Update, context: Ctx) -> None:
    await _set_flag(update, context, "shock_team", PF_SHOCK.parse_id(press_data(update)))


def _skills(view: people.VolunteerView | None) -> list[str]:
    return [v for v in (view.profile.skills if view else "").split(",") if v]


@domain_errors
async def skills_menu(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await people.my_profile(core_of(context), actor_of(update))
    await answer(update)
    await show(update, t(lang, "volunteers.ask_skills"), views.skill_buttons(lang, _skills(view), profile=True))


@domain_errors
async def toggle_skill(update: Update, context: Ctx) -> None:
    (value,) = PF_SKILL.parse(press_data(update))
    chosen = _skills(await people.my_profile(core_of(context), actor_of(update)))
    chosen = [v for v in chosen if v != value] if value in chosen else chosen + [value]
    await people.update_profile(core_of(context), actor_of(update), "skills", chosen)
    await skills_menu(update, context)


@domain_errors
async def work_group_menu(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await answer(update)
    await show(update, t(lang, "volunteers.ask_work_group"), views.work_group_buttons(lang, profile=True))


@domain_errors
async def set_work_group(update: Update, context: Ctx) -> None:
    (value,) = PF_WORK_GROUP.parse(press_data(update))
    view = await people.update_profile(core_of(context), actor_of(update), "work_group", value)
    await answer(update, tp(lang_of(update, context), "volunteers.saved_short"))
    await _render(update, context, view)


@domain_errors
async def unit_menu(update: Update, context: Ctx) -> None:
    """The units paired with the volunteer's community, theirs ticked, and "no unit"."""
    lang = lang_of(update, context)
    view = await people.my_profile(core_of(context), actor_of(update))
    if view is None or view.profile.status in GONE:
        await answer(update, tp(lang, "volunteers.no_profile"), alert=True)
        return
    paired = await units.units_of_grid(core_of(context), view.profile.grid_id)
    await answer(update)
    await show(
        update, t(lang, "units.ask_unit"), unit_views.unit_buttons(lang, paired, view.profile.unit_id, profile=True)
    )


@domain_errors
async def set_unit(update: Update, context: Ctx) -> None:
    data = press_data(update)
    unit_id = None if PF_NO_UNIT.matches(data) else PF_UNIT.parse_id(data)
    view = await people.update_profile(core_of(context), actor_of(update), "unit", unit_id)
    await answer(update, tp(lang_of(update, context), "volunteers.saved_short"))
    await _render(update, context, view)


@domain_errors
async def leave_ask(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await answer(update)
    await show(update, t(lang, "volunteers.leave_confirm"), views.leave_confirm(lang))


@domain_errors
async def leave(update: Update, context: Ctx) -> None:
    PF_LEAVE_YES.parse(press_data(update))
    await people.leave_programme(core_of(context), actor_of(update))
    await answer(update)
    await show(update, t(lang_of(update, context), "volunteers.left"))


# ------------------------------------------------------------------ editing a typed field
@domain_errors
async def edit_start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    (field,) = PF_EDIT.parse(press_data(update))
    if await people.my_profile(core_of(context), actor_of(update)) is None:
        await answer(update, tp(lang, "volunteers.no_profile"), alert=True)
        return ConversationHandler.END
    await answer(update)
    if context.user_data is not None:
        context.user_data["profile_field"] = field
    if field == "phone":
        await say(update, t(lang, "volunteers.ask_phone"), reply_markup=share_phone(lang))
        return EDIT_PHONE
    await say(update, t(lang, TEXT_FIELDS[field]) + "\n" + t(lang, "volunteers.cancel_hint"))
    return EDIT_TEXT


def _field(context: Ctx) -> str:
    return str((context.user_data or {}).get("profile_field", ""))


async def edit_text(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    field = {"name": "name", "avail": "availability"}.get(_field(context), "name")
    msg = update.effective_message
    try:
        view = await people.update_profile(core_of(context), actor_of(update), field, msg.text if msg else None)
    except InvalidInput as e:
        await say(update, "❗ " + t(lang, e.key, **e.params))
        return None
    except DomainError as e:  # the profile went meanwhile (left, declined): nothing left to edit
        await say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    if context.user_data is not None:
        context.user_data.pop("profile_field", None)
    await say(update, t(lang, "volunteers.saved"))
    await _render(update, context, view, new=True)
    return ConversationHandler.END


async def edit_phone(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    msg, user = update.effective_message, update.effective_user
    contact = msg.contact if msg else None
    try:
        if contact is None or user is None or contact.user_id != user.id:
            raise InvalidInput("volunteers.not_your_contact")
        view = await people.update_profile(core_of(context), actor_of(update), "phone", contact.phone_number)
    except InvalidInput as e:
        await say(update, "❗ " + t(lang, e.key, **e.params))
        return None
    except DomainError as e:  # the profile went meanwhile (left, declined): nothing left to edit
        await say(update, t(lang, e.key, **e.params), reply_markup=ReplyKeyboardRemove())
        return ConversationHandler.END
    await say(update, t(lang, "volunteers.saved"), reply_markup=ReplyKeyboardRemove())
    await _render(update, context, view, new=True)
    return ConversationHandler.END


async def edit_wrong(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await say(
        update, t(lang, "volunteers.use_contact_button" if _field(context) == "phone" else "volunteers.send_text")
    )


async def edit_cancel(update: Update, context: Ctx) -> int:
    if context.user_data is not None:
        context.user_data.pop("profile_field", None)
    await say(update, t(lang_of(update, context), "volunteers.edit_cancelled"), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


def build_handlers() -> list[AnyHandler]:
    conv = conversation(
        name="volunteer_profile",
        persistent=True,
        allow_reentry=True,
        entry_points=[CallbackQueryHandler(edit_start, pattern=PF_EDIT.pattern)],
        states={
            EDIT_TEXT: [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, edit_text)],
            EDIT_PHONE: [MessageHandler(PRIVATE & filters.CONTACT, edit_phone)],
        },
        fallbacks=[CommandHandler("cancel", edit_cancel), MessageHandler(PRIVATE & ~filters.COMMAND, edit_wrong)],
    )
    return [
        conv,
        CommandHandler("profile", profile, filters=PRIVATE),
        CallbackQueryHandler(back, pattern=PF_SHOW.pattern),
        CallbackQueryHandler(set_party, pattern=PF_PARTY.pattern),
        CallbackQueryHandler(set_shock, pattern=PF_SHOCK.pattern),
        CallbackQueryHandler(skills_menu, pattern=PF_SKILLS.pattern),
        CallbackQueryHandler(toggle_skill, pattern=PF_SKILL.pattern),
        CallbackQueryHandler(work_group_menu, pattern=PF_WORK_GROUPS.pattern),
        CallbackQueryHandler(set_work_group, pattern=PF_WORK_GROUP.pattern),
        CallbackQueryHandler(unit_menu, pattern=PF_UNITS.pattern),
        CallbackQueryHandler(set_unit, pattern=PF_UNIT.pattern),
        CallbackQueryHandler(set_unit, pattern=PF_NO_UNIT.pattern),
        CallbackQueryHandler(leave_ask, pattern=PF_LEAVE.pattern),
        CallbackQueryHandler(leave, pattern=PF_LEAVE_YES.pattern),
    ]
