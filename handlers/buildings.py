"""Buildings (楼栋) and building heads (楼栋长): /buildinghead @user 3栋 [grid] names a head,
/buildings lists a leader's buildings with a button to remove each head. A building head's
/households is handlers/households.py (their buildings' households); /visits lists them too."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services import buildings
from bot.services.kernel.inputs import person_ref
from bot.views import buildings as views

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say
from .pickers import answer, show

PRIVATE = filters.ChatType.PRIVATE


@domain_errors
async def building_head(update: Update, context: Ctx) -> None:
    """`/buildinghead @user 3栋` (or a Telegram id); a grid's name after it when two grids have a 3栋."""
    lang = lang_of(update, context)
    args = list(context.args or [])
    if len(args) < 2:
        await say(update, views.usage(lang))
        return
    ref = person_ref(args[0])
    grid = " ".join(args[2:]) or None
    granted = await buildings.grant_head(core_of(context), actor_of(update), ref, args[1], grid)
    await say(update, views.granted(lang, granted))


@domain_errors
async def buildings_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await say(update, *views.building_list(lang, await buildings.buildings_of(core_of(context), actor_of(update))))


@domain_errors
async def remove_head(update: Update, context: Ctx) -> None:
    head_id = views.BLD_REMOVE_HEAD.parse_id(press_data(update))
    lang = lang_of(update, context)
    removed = await buildings.remove_head(core_of(context), actor_of(update), head_id)
    await answer(update)
    await show(update, views.removed(lang, removed))


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("buildinghead", building_head, filters=PRIVATE),
        CommandHandler("buildings", buildings_command, filters=PRIVATE),
        CallbackQueryHandler(remove_head, pattern=views.BLD_REMOVE_HEAD.pattern),
    ]
