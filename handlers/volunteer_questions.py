"""The /volunteer sign-up's questions: what each step asks, with its buttons or its page-by-page list
(communities, then their grids), and the same question again after a bad answer. The answers and
the conversation: volunteers.py."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot.i18n import t, tp
from bot.services import people, places, units
from bot.services.kernel.errors import DomainError
from bot.views import units as unit_views
from bot.views.callbacks import StaleButton
from bot.views.people import signup as views
from bot.views.people.callbacks import PICK_SU_COMMUNITY, PICK_SU_GRID

from .base import Ctx, core_of, draft, lang_of, say, user_data
from .pickers import answer, picker, picker_buttons, show
from .volunteer_profile import share_phone

NAME, PHONE, COMMUNITY, GRID, WORK, PARTY, SKILLS, AVAIL, CONSENT, CONFIRM = range(1, 11)
UNIT = 11  # after the grid, when units are paired with its community (numbered last: stored states stay valid)
DRAFT = "signup"


def text_of(update: Update) -> str | None:
    return update.effective_message.text if update.effective_message else None


async def ask(update: Update, context: Ctx, step: int, *, edit: bool = False, prefix: str = "") -> int:
    """Send (or, after a button, edit in) the question of `step`; remember the step for hints."""
    lang = lang_of(update, context)
    d = draft(context, DRAFT)
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
    elif step == UNIT:
        units_here = await units.units_of_grid(core_of(context), int(d.get("grid_id", 0)))
        await show(update, prefix + t(lang, "units.ask_unit"), unit_views.unit_buttons(lang, units_here), new=not edit)
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
    community_id = (user_data(context).get(DRAFT) or {}).get("community_id")
    if not community_id:  # no sign-up under way, or not at this step: an old list
        raise StaleButton()
    _, grids = await people.grid_choices(core_of(context), int(community_id))
    return views.grid_items(grids)


async def ask_again(update: Update, context: Ctx, err: DomainError) -> int:
    """A bad answer: say what is wrong, then ask the same question again."""
    lang = lang_of(update, context)
    step = int(draft(context, DRAFT).get("step", NAME))
    if update.callback_query is not None:
        await answer(update, tp(lang, err.key, **err.params), alert=True)
        return step
    return await ask(update, context, step, prefix="❗ " + t(lang, err.key, **err.params) + "\n\n")
