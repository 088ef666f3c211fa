"""/volunteer sign-up (双报到), a guided conversation: name, phone (contact button), community and
grid, work group, party member, skills, availability, consent, confirm. /cancel leaves any step;
a bad answer gets a hint and the same question again. Leaders' side: volunteer_leaders.py;
the volunteer's own profile: volunteer_profile.py."""
from __future__ import annotations

from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler,
                          MessageHandler, filters)

from bot.i18n import t, tp
from bot.services.places import grids as places
from bot.services.people import residents
from bot.services.people import signup
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.services.kernel.notifier import Button
from bot.services.people.volunteers import SKILL_KEYS, WORK_GROUP_KEYS, skills_text

from . import volunteer_leaders, volunteer_profile
from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .common import group_start
from .pickers import answer, choice_buttons, conversation, picker, picker_buttons, show

NAME, PHONE, COMMUNITY, GRID, WORK, PARTY, SKILLS, AVAIL, CONSENT, CONFIRM = range(1, 11)
PRIVATE = filters.ChatType.PRIVATE
DRAFT = "signup"


def _draft(context: Ctx) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


async def _ask(update: Update, context: Ctx, step: int, *, edit: bool = False, prefix: str = "") -> int:
    """Send (or, after a button, edit in) the question of `step`; remember the step for hints."""
    lang = lang_of(update, context)
    d = _draft(context)
    d["step"] = step
    if step == NAME:
        await say(update, prefix + t(lang, "volunteers.ask_name"), reply_markup=ReplyKeyboardRemove())
    elif step == PHONE:
        kb = ReplyKeyboardMarkup([[KeyboardButton(tp(lang, "volunteers.share_phone_button"), request_contact=True)]],
                                 resize_keyboard=True, one_time_keyboard=True)
        await say(update, prefix + t(lang, "volunteers.ask_phone"), reply_markup=kb)
    elif step == COMMUNITY:
        await show(update, prefix + t(lang, "volunteers.ask_community"),
                   await picker_buttons(update, context, "suc"), new=not edit)
    elif step == GRID:
        await show(update, prefix + t(lang, "volunteers.ask_grid", community=d.get("community_name", "")),
                   await picker_buttons(update, context, "sug"), new=not edit)
    elif step == WORK:
        items = [(tp(lang, key), f"vol:su:w:{value}") for value, key in WORK_GROUP_KEYS.items()]
        await show(update, prefix + t(lang, "volunteers.ask_work_group"), choice_buttons(items, lang, columns=1),
                   new=not edit)
    elif step == PARTY:
        await show(update, prefix + t(lang, "volunteers.ask_party"),
                   [[Button(tp(lang, "volunteers.yes"), data="vol:su:p:1"),
                     Button(tp(lang, "volunteers.no"), data="vol:su:p:0")]], new=not edit)
    elif step == SKILLS:
        chosen = d.get("skills") or []
        items = [(("✅ " if v in chosen else "▫️ ") + tp(lang, key), f"vol:su:s:{v}") for v, key in SKILL_KEYS.items()]
        done = [[Button(tp(lang, "volunteers.skills_done"), data="vol:su:s:done")]]
        await show(update, prefix + t(lang, "volunteers.ask_skills"), choice_buttons(items, lang, extra=done),
                   new=not edit)
    elif step == AVAIL:
        await show(update, prefix + t(lang, "volunteers.ask_availability"), new=True)
    elif step == CONSENT:
        await show(update, prefix + t(lang, "volunteers.ask_consent"),
                   [[Button(tp(lang, "volunteers.consent_yes"), data="vol:su:ok:1"),
                     Button(tp(lang, "volunteers.consent_no"), data="vol:su:ok:0")]], new=not edit)
    elif step == CONFIRM:
        await show(update, prefix + _summary(lang, d),
                   [[Button(tp(lang, "volunteers.submit"), data="vol:su:send"),
                     Button(tp(lang, "volunteers.cancel_button"), data="vol:su:stop")]], new=not edit)
    return step


@picker("suc")
async def _communities(update: Update, context: Ctx) -> list[tuple[str, str]]:
    return [(c.name, f"vol:su:c:{c.id}") for c in await places.all_communities(core_of(context))]


@picker("sug", extra=lambda lang: [[Button(tp(lang, "volunteers.back"), data="vol:su:back")]])
async def _grids(update: Update, context: Ctx) -> list[tuple[str, str]]:
    _, grids = await residents.grid_choices(core_of(context), int(_draft(context).get("community_id", 0)))
    return [(g.name, f"vol:su:g:{g.id}") for g in grids]


def _summary(lang: str, d: dict[str, Any]) -> str:
    return t(lang, "volunteers.summary", name=d.get("name", ""), phone=d.get("phone", ""),
             community=d.get("community_name", ""), grid=d.get("grid_name", ""),
             work_group=tp(lang, WORK_GROUP_KEYS.get(d.get("work_group", ""), "volunteers.wg.resident")),
             party=tp(lang, "volunteers.yes" if d.get("party_member") else "volunteers.no"),
             skills=skills_text(lang, d.get("skills") or []), availability=d.get("availability", ""))


async def _again(update: Update, context: Ctx, err: DomainError) -> int:
    """A bad answer: say what is wrong, then ask the same question again."""
    lang = lang_of(update, context)
    step = int(_draft(context).get("step", NAME))
    if update.callback_query is not None:
        await answer(update, tp(lang, err.key, **err.params), alert=True)
        return step
    return await _ask(update, context, step, prefix="❗ " + t(lang, err.key, **err.params) + "\n\n")


# ------------------------------------------------------------------ entry and text steps
@domain_errors
async def start(update: Update, context: Ctx) -> int | None:
    await signup.can_sign_up(core_of(context), actor_of(update))
    await answer(update)
    if not await places.all_communities(core_of(context)):
        await say(update, t(lang_of(update, context), "residents.no_communities"))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}  # type: ignore[index]
    await say(update, t(lang_of(update, context), "volunteers.intro"))
    return await _ask(update, context, NAME)


async def got_name(update: Update, context: Ctx) -> int:
    try:
        _draft(context)["name"] = signup.clean_name(update.effective_message.text)  # type: ignore[union-attr]
    except InvalidInput as e:
        return await _again(update, context, e)
    return await _ask(update, context, PHONE)


async def got_contact(update: Update, context: Ctx) -> int:
    contact = update.effective_message.contact  # type: ignore[union-attr]
    try:
        if contact is None or contact.user_id != update.effective_user.id:  # type: ignore[union-attr]
            raise InvalidInput("volunteers.not_your_contact")
        _draft(context)["phone"] = signup.clean_phone(contact.phone_number)
    except InvalidInput as e:
        return await _again(update, context, e)
    await say(update, t(lang_of(update, context), "volunteers.phone_saved"), reply_markup=ReplyKeyboardRemove())
    return await _ask(update, context, COMMUNITY)


async def got_availability(update: Update, context: Ctx) -> int:
    try:
        _draft(context)["availability"] = signup.clean_availability(update.effective_message.text)  # type: ignore[union-attr]
    except InvalidInput as e:
        return await _again(update, context, e)
    return await _ask(update, context, CONSENT)


# ------------------------------------------------------------------ button steps
def _data(update: Update) -> str:
    return (update.callback_query.data or "").split(":", 2)[2]  # type: ignore[union-attr]


async def got_community(update: Update, context: Ctx) -> int:
    com_id = int(_data(update).split(":")[1])
    try:
        com, grids = await residents.grid_choices(core_of(context), com_id)
    except DomainError as e:
        return await _again(update, context, e)
    await answer(update)
    _draft(context).update(community_id=com.id, community_name=com.name)
    return await _ask(update, context, GRID, edit=True)


async def got_grid(update: Update, context: Ctx) -> int:
    d = _draft(context)
    grid_id = int(_data(update).split(":")[1])
    try:
        com, grids = await residents.grid_choices(core_of(context), int(d.get("community_id", 0)))
        grid = next((g for g in grids if g.id == grid_id), None)
        if grid is None:
            raise InvalidInput("volunteers.choose_grid_first")
    except DomainError as e:
        return await _again(update, context, e)
    await answer(update)
    d.update(grid_id=grid.id, grid_name=grid.name)
    return await _ask(update, context, WORK, edit=True)


async def back_to_community(update: Update, context: Ctx) -> int:
    await answer(update)
    return await _ask(update, context, COMMUNITY, edit=True)


async def got_work_group(update: Update, context: Ctx) -> int:
    try:
        _draft(context)["work_group"] = signup.clean_work_group(_data(update).split(":")[1])
    except InvalidInput as e:
        return await _again(update, context, e)
    await answer(update)
    return await _ask(update, context, PARTY, edit=True)


async def got_party(update: Update, context: Ctx) -> int:
    await answer(update)
    _draft(context)["party_member"] = _data(update).endswith(":1")
    return await _ask(update, context, SKILLS, edit=True)


async def toggle_skill(update: Update, context: Ctx) -> int:
    d = _draft(context)
    value = _data(update).split(":")[1]
    if value == "done":
        try:
            d["skills"] = list(signup.clean_skills(d.get("skills") or []))
        except InvalidInput as e:
            return await _again(update, context, e)
        await answer(update)
        await show(update, t(lang_of(update, context), "volunteers.skills_chosen",
                             skills=skills_text(lang_of(update, context), d["skills"])))
        return await _ask(update, context, AVAIL)
    if value not in SKILL_KEYS:
        return await _again(update, context, InvalidInput("volunteers.skills_needed"))
    chosen = [v for v in d.get("skills") or [] if v != value] + ([] if value in (d.get("skills") or []) else [value])
    d["skills"] = chosen
    await answer(update)
    return await _ask(update, context, SKILLS, edit=True)


async def got_consent(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    await answer(update)
    if not _data(update).endswith(":1"):
        context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        await show(update, t(lang, "volunteers.no_consent"))
        return ConversationHandler.END
    _draft(context)["consent"] = True
    return await _ask(update, context, CONFIRM, edit=True)


async def submit(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    try:
        await signup.submit_signup(core_of(context), actor_of(update), _draft(context))
    except DomainError as e:
        context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
        await answer(update)
        await show(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await answer(update)
    await show(update, t(lang, "volunteers.submitted"))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    await answer(update)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "volunteers.cancelled"), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


async def wrong_input(update: Update, context: Ctx) -> int:
    """Anything the current step did not expect (a sticker, text where a button is needed...)."""
    lang = lang_of(update, context)
    step = int(_draft(context).get("step", NAME))
    key = "volunteers.use_contact_button" if step == PHONE else "volunteers.use_buttons" \
        if step not in (NAME, AVAIL) else "volunteers.send_text"
    return await _ask(update, context, step, prefix="❗ " + t(lang, key) + "\n\n")


async def busy(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "volunteers.busy"))


def build_handlers() -> list[BaseHandler]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    conv = conversation(
        name="volunteer_signup", persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("volunteer", start, filters=PRIVATE),
                      CallbackQueryHandler(start, pattern=r"^menu:volunteer$")],
        states={
            NAME: [MessageHandler(text, got_name)],
            PHONE: [MessageHandler(PRIVATE & filters.CONTACT, got_contact)],
            COMMUNITY: [CallbackQueryHandler(got_community, pattern=r"^vol:su:c:\d{1,12}$")],
            GRID: [CallbackQueryHandler(got_grid, pattern=r"^vol:su:g:\d{1,12}$"),
                   CallbackQueryHandler(back_to_community, pattern=r"^vol:su:back$")],
            WORK: [CallbackQueryHandler(got_work_group, pattern=r"^vol:su:w:\w{1,32}$")],
            PARTY: [CallbackQueryHandler(got_party, pattern=r"^vol:su:p:[01]$")],
            SKILLS: [CallbackQueryHandler(toggle_skill, pattern=r"^vol:su:s:\w{1,32}$")],
            AVAIL: [MessageHandler(text, got_availability)],
            CONSENT: [CallbackQueryHandler(got_consent, pattern=r"^vol:su:ok:[01]$")],
            CONFIRM: [CallbackQueryHandler(submit, pattern=r"^vol:su:send$"),
                      CallbackQueryHandler(cancel, pattern=r"^vol:su:stop$")],
        },
        fallbacks=[CommandHandler("cancel", cancel),
                   MessageHandler(PRIVATE & filters.COMMAND, busy),
                   MessageHandler(PRIVATE & ~filters.COMMAND, wrong_input)],
    )
    return [conv, CommandHandler(["volunteer", "profile", "pending", "volunteers"], group_start,
                                 filters=filters.ChatType.GROUPS)] \
        + volunteer_profile.build_handlers() + volunteer_leaders.build_handlers()
