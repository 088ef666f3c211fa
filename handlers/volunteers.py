"""/volunteer sign-up (双报到), a guided conversation: name, phone (contact button), community and
grid, work group, party member, skills, availability, consent, confirm. /cancel leaves any step;
a bad answer gets a hint and the same question again. The questions: volunteer_questions.py;
leaders' side: volunteer_leaders.py; the volunteer's own profile: volunteer_profile.py."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.i18n import t
from bot.services import people, places, units
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.services.kernel.inputs import clean_name, clean_phone
from bot.views.people.callbacks import (
    MENU_VOLUNTEER,
    SU_BACK,
    SU_COMMUNITY,
    SU_CONSENT,
    SU_GRID,
    SU_NO_UNIT,
    SU_PARTY,
    SU_SEND,
    SU_SKILL,
    SU_STOP,
    SU_UNIT,
    SU_WORK_GROUP,
)
from bot.views.people.labels import skills_text

from . import base, volunteer_leaders, volunteer_profile
from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    begins_at,
    core_of,
    current_run,
    domain_errors,
    draft,
    lang_of,
    press_data,
    say,
    user_data,
)
from .common import group_start
from .pickers import answer, conversation, show
from .volunteer_questions import (
    AVAIL,
    COMMUNITY,
    CONFIRM,
    CONSENT,
    DRAFT,
    GRID,
    NAME,
    PARTY,
    PHONE,
    SKILLS,
    UNIT,
    WORK,
    ask,
    ask_again,
    text_of,
)

PRIVATE = filters.ChatType.PRIVATE


# ------------------------------------------------------------------ entry and text steps
@domain_errors
async def start(update: Update, context: Ctx) -> int | None:
    await people.can_sign_up(core_of(context), actor_of(update))
    await answer(update)
    if not await places.all_communities(core_of(context)):
        await say(update, t(lang_of(update, context), "residents.no_communities"))
        return ConversationHandler.END
    d = user_data(context)[DRAFT] = {}
    begins_at(d, await base.ask(update, t(lang_of(update, context), "volunteers.intro")))  # earlier runs: stale
    return await ask(update, context, NAME)


async def got_name(update: Update, context: Ctx) -> int:
    try:
        draft(context, DRAFT)["name"] = clean_name(text_of(update))
    except InvalidInput as e:
        return await ask_again(update, context, e)
    return await ask(update, context, PHONE)


async def got_contact(update: Update, context: Ctx) -> int:
    contact, user = update.effective_message.contact if update.effective_message else None, update.effective_user
    try:
        if contact is None or user is None or contact.user_id != user.id:
            raise InvalidInput("volunteers.not_your_contact")
        draft(context, DRAFT)["phone"] = clean_phone(contact.phone_number)
    except InvalidInput as e:
        return await ask_again(update, context, e)
    await say(update, t(lang_of(update, context), "volunteers.phone_saved"), reply_markup=ReplyKeyboardRemove())
    return await ask(update, context, COMMUNITY)


async def got_availability(update: Update, context: Ctx) -> int:
    try:
        draft(context, DRAFT)["availability"] = people.clean_availability(text_of(update))
    except InvalidInput as e:
        return await ask_again(update, context, e)
    return await ask(update, context, CONSENT)


# ------------------------------------------------------------------ button steps
async def got_community(update: Update, context: Ctx) -> int:
    try:
        com, grids = await people.grid_choices(core_of(context), SU_COMMUNITY.parse_id(press_data(update)))
    except DomainError as e:
        return await ask_again(update, context, e)
    await answer(update)
    draft(context, DRAFT).update(community_id=com.id, community_name=com.name)
    return await ask(update, context, GRID, edit=True)


async def got_grid(update: Update, context: Ctx) -> int:
    d = draft(context, DRAFT)
    try:
        grid_id = SU_GRID.parse_id(press_data(update))
        com, grids = await people.grid_choices(core_of(context), int(d.get("community_id", 0)))
        grid = next((g for g in grids if g.id == grid_id), None)
        if grid is None:
            raise InvalidInput("volunteers.choose_grid_first")
    except DomainError as e:
        return await ask_again(update, context, e)
    await answer(update)
    d.update(grid_id=grid.id, grid_name=grid.name, unit_id=None, unit_name=None)
    paired = await units.units_of_grid(core_of(context), grid_id)
    return await ask(update, context, UNIT if paired else WORK, edit=True)


async def got_unit(update: Update, context: Ctx) -> int:
    """The volunteer's work unit (包联单位), one of those paired with the community, or none."""
    d = draft(context, DRAFT)
    try:
        data = press_data(update)
        unit_id = None if SU_NO_UNIT.matches(data) else SU_UNIT.parse_id(data)
        paired = await units.units_of_grid(core_of(context), int(d.get("grid_id", 0)))
        unit = next((u for u in paired if u.id == unit_id), None)
        if unit_id is not None and unit is None:
            raise InvalidInput("units.not_paired_here")
    except DomainError as e:
        return await ask_again(update, context, e)
    await answer(update)
    d.update(unit_id=unit_id, unit_name=unit.name if unit is not None else None)
    return await ask(update, context, WORK, edit=True)


async def back_to_community(update: Update, context: Ctx) -> int:
    await answer(update)
    return await ask(update, context, COMMUNITY, edit=True)


async def got_work_group(update: Update, context: Ctx) -> int:
    try:
        (value,) = SU_WORK_GROUP.parse(press_data(update))
        draft(context, DRAFT)["work_group"] = people.clean_work_group(value)
    except DomainError as e:
        return await ask_again(update, context, e)
    await answer(update)
    return await ask(update, context, PARTY, edit=True)


async def got_party(update: Update, context: Ctx) -> int:
    try:
        party = SU_PARTY.parse_id(press_data(update)) == 1
    except DomainError as e:
        return await ask_again(update, context, e)
    await answer(update)
    draft(context, DRAFT)["party_member"] = party
    return await ask(update, context, SKILLS, edit=True)


async def toggle_skill(update: Update, context: Ctx) -> int:
    d = draft(context, DRAFT)
    try:
        (value,) = SU_SKILL.parse(press_data(update))
    except DomainError as e:
        return await ask_again(update, context, e)
    if value == "done":
        try:
            d["skills"] = list(people.clean_skills(d.get("skills") or []))
        except InvalidInput as e:
            return await ask_again(update, context, e)
        await answer(update)
        await show(
            update,
            t(
                lang_of(update, context),
                "volunteers.skills_chosen",
                skills=skills_text(lang_of(update, context), d["skills"]),
            ),
        )
        return await ask(update, context, AVAIL)
    chosen = [v for v in d.get("skills") or [] if v != value] + ([] if value in (d.get("skills") or []) else [value])
    d["skills"] = chosen
    await answer(update)
    return await ask(update, context, SKILLS, edit=True)


async def got_consent(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    try:
        consent = SU_CONSENT.parse_id(press_data(update)) == 1
    except DomainError as e:
        return await ask_again(update, context, e)
    await answer(update)
    if not consent:
        user_data(context).pop(DRAFT, None)
        await show(update, t(lang, "volunteers.no_consent"))
        return ConversationHandler.END
    draft(context, DRAFT)["consent"] = True
    return await ask(update, context, CONFIRM, edit=True)


async def submit(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    try:
        await people.submit_signup(core_of(context), actor_of(update), draft(context, DRAFT))
    except DomainError as e:
        user_data(context).pop(DRAFT, None)
        await answer(update)
        await show(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    user_data(context).pop(DRAFT, None)
    await answer(update)
    await show(update, t(lang, "volunteers.submitted"))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    await answer(update)
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "volunteers.cancelled"), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


async def wrong_input(update: Update, context: Ctx) -> int:
    """Anything the current step did not expect (a sticker, text where a button is needed...)."""
    lang = lang_of(update, context)
    step = int(draft(context, DRAFT).get("step", NAME))
    key = (
        "volunteers.use_contact_button"
        if step == PHONE
        else "volunteers.use_buttons"
        if step not in (NAME, AVAIL)
        else "volunteers.send_text"
    )
    return await ask(update, context, step, prefix="❗ " + t(lang, key) + "\n\n")


def build_handlers() -> list[AnyHandler]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    this_run = current_run(DRAFT)
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
            COMMUNITY: [CallbackQueryHandler(this_run(got_community), pattern=SU_COMMUNITY.pattern)],
            GRID: [
                CallbackQueryHandler(this_run(got_grid), pattern=SU_GRID.pattern),
                CallbackQueryHandler(this_run(back_to_community), pattern=SU_BACK.pattern),
            ],
            UNIT: [
                CallbackQueryHandler(this_run(got_unit), pattern=SU_UNIT.pattern),
                CallbackQueryHandler(this_run(got_unit), pattern=SU_NO_UNIT.pattern),
            ],
            WORK: [CallbackQueryHandler(this_run(got_work_group), pattern=SU_WORK_GROUP.pattern)],
            PARTY: [CallbackQueryHandler(this_run(got_party), pattern=SU_PARTY.pattern)],
            SKILLS: [CallbackQueryHandler(this_run(toggle_skill), pattern=SU_SKILL.pattern)],
            AVAIL: [MessageHandler(text, got_availability)],
            CONSENT: [CallbackQueryHandler(this_run(got_consent), pattern=SU_CONSENT.pattern)],
            CONFIRM: [
                CallbackQueryHandler(this_run(submit), pattern=SU_SEND.pattern),
                CallbackQueryHandler(this_run(cancel), pattern=SU_STOP.pattern),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel), MessageHandler(PRIVATE & ~filters.COMMAND, wrong_input)],
    )
    return [
        conv,
        CommandHandler(["volunteer", "profile", "pending", "volunteers"], group_start, filters=filters.ChatType.GROUPS),
        *volunteer_profile.build_handlers(),
        *volunteer_leaders.build_handlers(),
    ]
