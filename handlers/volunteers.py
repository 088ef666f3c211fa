"""/volunteer sign-up (双报到), a guided conversation: name, phone (contact button), community and
grid, work group, party member, skills, availability, consent, confirm. /cancel leaves any step;
a bad answer gets a hint and the same question again. Leaders' side: volunteer_leaders.py;
the volunteer's own profile: volunteer_profile.py."""

from __future__ import annotations

from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.i18n import t, tp
from bot.services import people, places
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.services.kernel.inputs import clean_name, clean_phone
from bot.views.people import signup as views
from bot.views.people.callbacks import (
    MENU_VOLUNTEER,
    PICK_SU_COMMUNITY,
    PICK_SU_GRID,
    SU_BACK,
    SU_COMMUNITY,
    SU_CONSENT,
    SU_GRID,
    SU_PARTY,
    SU_SEND,
    SU_SKILL,
    SU_STOP,
    SU_WORK_GROUP,
)
from bot.views.people.labels import skills_text

from . import volunteer_leaders, volunteer_profile
from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, say
from .common import group_start
from .pickers import answer, conversation, picker, picker_buttons, press_data, show
from .volunteer_profile import share_phone

NAME, PHONE, COMMUNITY, GRID, WORK, PARTY, SKILLS, AVAIL, CONSENT, CONFIRM = range(1, 11)
PRIVATE = filters.ChatType.PRIVATE
DRAFT = "signup"


def _user_data(context: Ctx) -> dict[Any, Any]:
    assert context.user_data is not None  # an update from a user: PTB gives it user data
    return context.user_data


def _draft(context: Ctx) -> dict[str, Any]:
    draft: dict[str, Any] = _user_data(context).setdefault(DRAFT, {})
    return draft


def _text(update: Update) -> str | None:
    return update.effective_message.text if update.effective_message else None


async def _ask(update: Update, context: Ctx, step: int, *, edit: bool = False, prefix: str = "") -> int:
    """Send (or, after a button, edit in) the question of `step`; remember the step for hints."""
    lang = lang_of(update, context)
    d = _draft(context)
    d["step"] = step
    if step == NAME:
        await say(update, prefix + t(lang, "volunteers.ask_name"), reply_markup=ReplyKeyboardRemove())
    elif step == PHONE:
        await say(update, prefix + t(lang, "volunteers.ask_phone"), reply_markup=share_phone(lang))
    elif step == COMMUNITY:
        await show(
            update,
            prefix + t(lang, "volunteers.ask_community"),
            await picker_buttons(update, context, PICK_SU_COMMUNITY),
            new=not edit,
        )
    elif step == GRID:
        await show(
            update,
            prefix + t(lang, "volunteers.ask_grid", community=d.get("community_name", "")),
            await picker_buttons(update, context, PICK_SU_GRID),
            new=not edit,
        )
    elif step == WORK:
        await show(update, prefix + t(lang, "volunteers.ask_work_group"), views.work_group_buttons(lang), new=not edit)
    elif step == PARTY:
        await show(update, prefix + t(lang, "volunteers.ask_party"), views.party_buttons(lang), new=not edit)
    elif step == SKILLS:
        await show(
            update,
            prefix + t(lang, "volunteers.ask_skills"),
            views.skill_buttons(lang, d.get("skills") or []),
            new=not edit,
        )
    elif step == AVAIL:
        await show(update, prefix + t(lang, "volunteers.ask_availability"), new=True)
    elif step == CONSENT:
        await show(update, prefix + t(lang, "volunteers.ask_consent"), views.consent_buttons(lang), new=not edit)
    elif step == CONFIRM:
        await show(update, prefix + views.summary(lang, d), views.confirm_buttons(lang), new=not edit)
    return step


@picker(PICK_SU_COMMUNITY)
async def _communities(update: Update, context: Ctx) -> list[tuple[str, str]]:
    return views.community_items(await places.all_communities(core_of(context)))


@picker(PICK_SU_GRID, extra=views.back_button)
async def _grids(update: Update, context: Ctx) -> list[tuple[str, str]]:
    _, grids = await people.grid_choices(core_of(context), int(_draft(context).get("community_id", 0)))
    return views.grid_items(grids)


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
    await people.can_sign_up(core_of(context), actor_of(update))
    await answer(update)
    if not await places.all_communities(core_of(context)):
        await say(update, t(lang_of(update, context), "residents.no_communities"))
        return ConversationHandler.END
    _user_data(context)[DRAFT] = {}
    await say(update, t(lang_of(update, context), "volunteers.intro"))
    return await _ask(update, context, NAME)


async def got_name(update: Update, context: Ctx) -> int:
    try:
        _draft(context)["name"] = clean_name(_text(update))
    except InvalidInput as e:
        return await _again(update, context, e)
    return await _ask(update, context, PHONE)


async def got_contact(update: Update, context: Ctx) -> int:
    contact, user = update.effective_message.contact if update.effective_message else None, update.effective_user
    try:
        if contact is None or user is None or contact.user_id != user.id:
            raise InvalidInput("volunteers.not_your_contact")
        _draft(context)["phone"] = clean_phone(contact.phone_number)
    except InvalidInput as e:
        return await _again(update, context, e)
    await say(update, t(lang_of(update, context), "volunteers.phone_saved"), reply_markup=ReplyKeyboardRemove())
    return await _ask(update, context, COMMUNITY)


async def got_availability(update: Update, context: Ctx) -> int:
    try:
        _draft(context)["availability"] = people.clean_availability(_text(update))
    except InvalidInput as e:
        return await _again(update, context, e)
    return await _ask(update, context, CONSENT)


# ------------------------------------------------------------------ button steps
async def got_community(update: Update, context: Ctx) -> int:
    try:
        com, grids = await people.grid_choices(core_of(context), SU_COMMUNITY.parse_id(press_data(update)))
    except DomainError as e:
        return await _again(update, context, e)
    await answer(update)
    _draft(context).update(community_id=com.id, community_name=com.name)
    return await _ask(update, context, GRID, edit=True)


async def got_grid(update: Update, context: Ctx) -> int:
    d = _draft(context)
    try:
        grid_id = SU_GRID.parse_id(press_data(update))
        com, grids = await people.grid_choices(core_of(context), int(d.get("community_id", 0)))
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
        (value,) = SU_WORK_GROUP.parse(press_data(update))
        _draft(context)["work_group"] = people.clean_work_group(value)
    except DomainError as e:
        return await _again(update, context, e)
    await answer(update)
    return await _ask(update, context, PARTY, edit=True)


async def got_party(update: Update, context: Ctx) -> int:
    try:
        party = SU_PARTY.parse_id(press_data(update)) == 1
    except DomainError as e:
        return await _again(update, context, e)
    await answer(update)
    _draft(context)["party_member"] = party
    return await _ask(update, context, SKILLS, edit=True)


async def toggle_skill(update: Update, context: Ctx) -> int:
    d = _draft(context)
    try:
        (value,) = SU_SKILL.parse(press_data(update))
    except DomainError as e:
        return await _again(update, context, e)
    if value == "done":
        try:
            d["skills"] = list(people.clean_skills(d.get("skills") or []))
        except InvalidInput as e:
            return await _again(update, context, e)
        await answer(update)
        await show(
            update,
            t(
                lang_of(update, context),
                "volunteers.skills_chosen",
                skills=skills_text(lang_of(update, context), d["skills"]),
            ),
        )
        return await _ask(update, context, AVAIL)
    chosen = [v for v in d.get("skills") or [] if v != value] + ([] if value in (d.get("skills") or []) else [value])
    d["skills"] = chosen
    await answer(update)
    return await _ask(update, context, SKILLS, edit=True)


async def got_consent(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    try:
        consent = SU_CONSENT.parse_id(press_data(update)) == 1
    except DomainError as e:
        return await _again(update, context, e)
    await answer(update)
    if not consent:
        _user_data(context).pop(DRAFT, None)
        await show(update, t(lang, "volunteers.no_consent"))
        return ConversationHandler.END
    _draft(context)["consent"] = True
    return await _ask(update, context, CONFIRM, edit=True)


async def submit(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    try:
        await people.submit_signup(core_of(context), actor_of(update), _draft(context))
    except DomainError as e:
        _user_data(context).pop(DRAFT, None)
        await answer(update)
        await show(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    _user_data(context).pop(DRAFT, None)
    await answer(update)
    await show(update, t(lang, "volunteers.submitted"))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    await answer(update)
    _user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "volunteers.cancelled"), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


async def wrong_input(update: Update, context: Ctx) -> int:
    """Anything the current step did not expect (a sticker, text where a button is needed...)."""
    lang = lang_of(update, context)
    step = int(_draft(context).get("step", NAME))
    key = (
        "volunteers.use_contact_button"
        if step == PHONE
        else "volunteers.use_buttons"
        if step not in (NAME, AVAIL)
        else "volunteers.send_text"
    )
    return await _ask(update, context, step, prefix="❗ " + t(lang, key) + "\n\n")


async def busy(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "volunteers.busy"))


def build_handlers() -> list[AnyHandler]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    conv = conversation(
        name="volunteer_signup",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CommandHandler("volunteer", start, filters=PRIVATE),
            CallbackQueryHandler(start, pattern=MENU_VOLUNTEER.pattern),
        ],
        states={
            NAME: [MessageHandler(text, got_name)],
            PHONE: [MessageHandler(PRIVATE & filters.CONTACT, got_contact)],
            COMMUNITY: [CallbackQueryHandler(got_community, pattern=SU_COMMUNITY.pattern)],
            GRID: [
                CallbackQueryHandler(got_grid, pattern=SU_GRID.pattern),
                CallbackQueryHandler(back_to_community, pattern=SU_BACK.pattern),
            ],
            WORK: [CallbackQueryHandler(got_work_group, pattern=SU_WORK_GROUP.pattern)],
            PARTY: [CallbackQueryHandler(got_party, pattern=SU_PARTY.pattern)],
            SKILLS: [CallbackQueryHandler(toggle_skill, pattern=SU_SKILL.pattern)],
            AVAIL: [MessageHandler(text, got_availability)],
            CONSENT: [CallbackQueryHandler(got_consent, pattern=SU_CONSENT.pattern)],
            CONFIRM: [
                CallbackQueryHandler(submit, pattern=SU_SEND.pattern),
                CallbackQueryHandler(cancel, pattern=SU_STOP.pattern),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(PRIVATE & filters.COMMAND, busy),
            MessageHandler(PRIVATE & ~filters.COMMAND, wrong_input),
        ],
    )
    return [
        conv,
        CommandHandler(["volunteer", "profile", "pending", "volunteers"], group_start, filters=filters.ChatType.GROUPS),
        *volunteer_profile.build_handlers(),
        *volunteer_leaders.build_handlers(),
    ]
