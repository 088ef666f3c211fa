"""/grid and the "📍 My grid" button: a resident says which community and grid they live in.

Other features call `ask_for_grid(update, context)` when someone without a grid tries
something grid-bound (or raise bot.services.people.NoGrid from a service).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t
from bot.services import people, places
from bot.views.people import residents as views
from bot.views.people.callbacks import MENU_GRID, RES_COMMUNITIES_PAGE, RES_COMMUNITY, RES_GRID, community_press

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data
from .common import group_start
from .pickers import answer, show


async def _community_step(update: Update, context: Ctx, intro: str, page: int = 0, new: bool = False) -> bool:
    """The communities (or the one community's grids); False when there is nothing to choose (said so)."""
    lang = lang_of(update, context)
    communities = await places.all_communities(core_of(context))
    if not communities:
        await show(update, t(lang, "residents.no_communities"), new=new)
        return False
    if len(communities) == 1:  # one community: go straight to its grids
        return await _grid_step(update, context, communities[0].id or 0, intro, new=new)
    await show(update, *views.communities_step(lang, intro, communities, page), new=new)
    return True


async def _grid_step(
    update: Update, context: Ctx, community_id: int, intro: str = "", page: int = 0, new: bool = False
) -> bool:
    lang = lang_of(update, context)
    com, grids = await people.grid_choices(core_of(context), community_id)
    if not grids:
        await show(update, t(lang, "residents.no_grids", community=com.name), new=new)
        return False
    many = len(await places.all_communities(core_of(context))) > 1
    await show(update, *views.grids_step(lang, intro, com, grids, page, back=many), new=new)
    return True


async def offer_grids(update: Update, context: Ctx, intro: str) -> bool:
    """The community and grid buttons after `intro`, as a new message (a step of /request too);
    False when there is nothing to choose from (and that was said)."""
    return await _community_step(update, context, intro, new=True)


async def ask_for_grid(update: Update, context: Ctx) -> None:
    """Guide someone with no grid: why it matters, then the community/grid buttons."""
    await _community_step(update, context, views.current(lang_of(update, context), None), new=True)


@domain_errors
async def grid_command(update: Update, context: Ctx) -> None:
    await answer(update)
    where = await people.where_i_live(core_of(context), actor_of(update))
    await _community_step(update, context, views.current(lang_of(update, context), where))


@domain_errors
async def community_page(update: Update, context: Ctx) -> None:
    page = RES_COMMUNITIES_PAGE.parse_id(press_data(update))
    await answer(update)
    await _community_step(update, context, "", page=page)


@domain_errors
async def community_chosen(update: Update, context: Ctx) -> None:
    community_id, page = community_press(press_data(update))
    await _grid_step(update, context, community_id, page=page)
    await answer(update)


@domain_errors
async def grid_chosen(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    com, grid = await people.choose_grid(core_of(context), actor_of(update), RES_GRID.parse_id(press_data(update)))
    await answer(update, t(lang, "residents.saved_short"))
    await show(update, t(lang, "residents.saved", community=com.name, grid=grid.name))


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("grid", grid_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("grid", group_start, filters=filters.ChatType.GROUPS),
        CallbackQueryHandler(grid_command, pattern=MENU_GRID.pattern),
        CallbackQueryHandler(community_page, pattern=RES_COMMUNITIES_PAGE.pattern),
        CallbackQueryHandler(community_chosen, pattern=RES_COMMUNITY.pattern),
        CallbackQueryHandler(grid_chosen, pattern=RES_GRID.pattern),
    ]
