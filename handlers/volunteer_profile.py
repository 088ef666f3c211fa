"""/profile: a volunteer sees their profile, edits a field, or leaves the programme."""
from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler,
                          MessageHandler, filters)

from bot.i18n import t, tp
from bot.services.people import signup
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.services.kernel.notifier import Button
from bot.services.people.volunteers import SKILL_KEYS, WORK_GROUP_KEYS, VolunteerView, card_text

from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .pickers import answer, choice_buttons, conversation, show

PRIVATE = filters.ChatType.PRIVATE
EDIT_TEXT, EDIT_PHONE = 1, 2
TEXT_FIELDS = {"name": "volunteers.ask_name", "avail": "volunteers.ask_availability"}


def _buttons(lang: str, v: VolunteerView) -> list[list[Button]]:
    prof = v.profile
    rows = [[Button(tp(lang, "volunteers.edit_name"), data="vol:pf:ed:name"),
             Button(tp(lang, "volunteers.edit_phone"), data="vol:pf:ed:phone")],
            [Button(tp(lang, "volunteers.edit_availability"), data="vol:pf:ed:avail"),
             Button(tp(lang, "volunteers.edit_skills"), data="vol:pf:sk")],
            [Button(tp(lang, "volunteers.edit_work_group"), data="vol:pf:wg"),
             Button(tp(lang, "volunteers.party_toggle", value=tp(lang, "volunteers.yes" if prof.party_member
                                                                  else "volunteers.no")),
                    data=f"vol:pf:party:{0 if prof.party_member else 1}")]]
    if prof.status == "approved":
        rows.append([Button(tp(lang, "volunteers.shock_leave" if prof.shock_team else "volunteers.shock_join"),
                            data=f"vol:pf:shock:{0 if prof.shock_team else 1}")])
    rows.append([Button(tp(lang, "volunteers.leave_button"), data="vol:pf:leave")])
    return rows


async def _render(update: Update, context: Ctx, view: VolunteerView | None = None, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    view = view or await signup.my_profile(core_of(context), actor_of(update))
    if view is None or view.profile.status in ("left", "declined"):
        await show(update, t(lang, "volunteers.no_profile"), new=new)
        return
    text = t(lang, "volunteers.profile_header") + "\n\n" + card_text(lang, view)
    if view.profile.status == "approved":
        text += "\n" + t(lang, "volunteers.shock_status",
                         value=tp(lang, "volunteers.yes" if view.profile.shock_team else "volunteers.no"))
    await show(update, text, _buttons(lang, view), new=new)


@domain_errors
async def profile(update: Update, context: Ctx) -> None:
    await _render(update, context, new=True)


@domain_errors
async def back(update: Update, context: Ctx) -> None:
    await answer(update)
    await _render(update, context)


@domain_errors
async def set_flag(update: Update, context: Ctx) -> None:
    """Party member / shock team: the button carries the new value, the service checks it."""
    _, _, field, value = (update.callback_query.data or "").split(":")  # type: ignore[union-attr]
    view = await signup.update_profile(core_of(context), actor_of(update),
                                       "party_member" if field == "party" else "shock_team", value == "1")
    await answer(update, tp(lang_of(update, context), "volunteers.saved_short"))
    await _render(update, context, view)


@domain_errors
async def skills_menu(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await signup.my_profile(core_of(context), actor_of(update))
    chosen = (view.profile.skills if view else "").split(",")
    items = [(("✅ " if v in chosen else "▫️ ") + tp(lang, key), f"vol:pf:skt:{v}") for v, key in SKILL_KEYS.items()]
    await answer(update)
    await show(update, t(lang, "volunteers.ask_skills"),
               choice_buttons(items, lang, extra=[[Button(tp(lang, "volunteers.skills_done"), data="vol:pf:show")]]))


@domain_errors
async def toggle_skill(update: Update, context: Ctx) -> None:
    value = (update.callback_query.data or "").rsplit(":", 1)[1]  # type: ignore[union-attr]
    view = await signup.my_profile(core_of(context), actor_of(update))
    chosen = [v for v in (view.profile.skills if view else "").split(",") if v]
    chosen = [v for v in chosen if v != value] if value in chosen else chosen + [value]
    await signup.update_profile(core_of(context), actor_of(update), "skills", chosen)
    await skills_menu(update, context)


@domain_errors
async def work_group_menu(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    items = [(tp(lang, key), f"vol:pf:wgs:{value}") for value, key in WORK_GROUP_KEYS.items()]
    await answer(update)
    await show(update, t(lang, "volunteers.ask_work_group"), choice_buttons(items, lang, columns=1))


@domain_errors
async def set_work_group(update: Update, context: Ctx) -> None:
    value = (update.callback_query.data or "").rsplit(":", 1)[1]  # type: ignore[union-attr]
    view = await signup.update_profile(core_of(context), actor_of(update), "work_group", value)
    await answer(update, tp(lang_of(update, context), "volunteers.saved_short"))
    await _render(update, context, view)


@domain_errors
async def leave_ask(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await answer(update)
    await show(update, t(lang, "volunteers.leave_confirm"),
               [[Button(tp(lang, "volunteers.leave_yes"), data="vol:pf:leave:yes"),
                 Button(tp(lang, "volunteers.leave_no"), data="vol:pf:show")]])


@domain_errors
async def leave(update: Update, context: Ctx) -> None:
    await signup.leave_programme(core_of(context), actor_of(update))
    await answer(update)
    await show(update, t(lang_of(update, context), "volunteers.left"))


# ------------------------------------------------------------------ editing a typed field
@domain_errors
async def edit_start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    field = (update.callback_query.data or "").rsplit(":", 1)[1]  # type: ignore[union-attr]
    if await signup.my_profile(core_of(context), actor_of(update)) is None:
        await answer(update, tp(lang, "volunteers.no_profile"), alert=True)
        return ConversationHandler.END
    await answer(update)
    context.user_data["profile_field"] = field  # type: ignore[index]
    if field == "phone":
        kb = ReplyKeyboardMarkup([[KeyboardButton(tp(lang, "volunteers.share_phone_button"), request_contact=True)]],
                                 resize_keyboard=True, one_time_keyboard=True)
        await say(update, t(lang, "volunteers.ask_phone"), reply_markup=kb)
        return EDIT_PHONE
    await say(update, t(lang, TEXT_FIELDS[field]) + "\n" + t(lang, "volunteers.cancel_hint"))
    return EDIT_TEXT


async def edit_text(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    field = {"name": "name", "avail": "availability"}.get(context.user_data.get("profile_field", ""), "name")  # type: ignore[union-attr]
    try:
        view = await signup.update_profile(core_of(context), actor_of(update), field,
                                           update.effective_message.text)  # type: ignore[union-attr]
    except InvalidInput as e:
        await say(update, "❗ " + t(lang, e.key, **e.params))
        return None
    except DomainError as e:  # the profile went meanwhile (left, declined): nothing left to edit
        await say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    context.user_data.pop("profile_field", None)  # type: ignore[union-attr]
    await say(update, t(lang, "volunteers.saved"))
    await _render(update, context, view, new=True)
    return ConversationHandler.END


async def edit_phone(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    contact = update.effective_message.contact  # type: ignore[union-attr]
    try:
        if contact is None or contact.user_id != update.effective_user.id:  # type: ignore[union-attr]
            raise InvalidInput("volunteers.not_your_contact")
        view = await signup.update_profile(core_of(context), actor_of(update), "phone", contact.phone_number)
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
    phone = context.user_data.get("profile_field") == "phone"  # type: ignore[union-attr]
    await say(update, t(lang, "volunteers.use_contact_button" if phone else "volunteers.send_text"))


async def edit_cancel(update: Update, context: Ctx) -> int:
    context.user_data.pop("profile_field", None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "volunteers.edit_cancelled"), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


def build_handlers() -> list[BaseHandler]:
    conv = conversation(
        name="volunteer_profile", persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(edit_start, pattern=r"^vol:pf:ed:(name|phone|avail)$")],
        states={EDIT_TEXT: [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, edit_text)],
                EDIT_PHONE: [MessageHandler(PRIVATE & filters.CONTACT, edit_phone)]},
        fallbacks=[CommandHandler("cancel", edit_cancel), MessageHandler(PRIVATE & ~filters.COMMAND, edit_wrong)],
    )
    return [
        conv,
        CommandHandler("profile", profile, filters=PRIVATE),
        CallbackQueryHandler(back, pattern=r"^vol:pf:show$"),
        CallbackQueryHandler(set_flag, pattern=r"^vol:pf:(party|shock):[01]$"),
        CallbackQueryHandler(skills_menu, pattern=r"^vol:pf:sk$"),
        CallbackQueryHandler(toggle_skill, pattern=r"^vol:pf:skt:\w{1,32}$"),
        CallbackQueryHandler(work_group_menu, pattern=r"^vol:pf:wg$"),
        CallbackQueryHandler(set_work_group, pattern=r"^vol:pf:wgs:\w{1,32}$"),
        CallbackQueryHandler(leave_ask, pattern=r"^vol:pf:leave$"),
        CallbackQueryHandler(leave, pattern=r"^vol:pf:leave:yes$"),
    ]
