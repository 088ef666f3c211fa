"""/grid and the "📍 My grid" button: a resident says which community and grid they live in.

Other features call `ask_for_grid(update, context)` when someone without a grid tries
something grid-bound (or raise bot.services.people.residents.NoGrid from a service).
"""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services.places import grids as places
from bot.services.people import residents
from bot.services.kernel.notifier import Button

from .base import Ctx, actor_of, core_of, domain_errors, lang_of
from .common import group_start
from .pickers import answer, choice_buttons, int_arg, show


async def _community_step(update: Update, context: Ctx, intro: str, page: int = 0, new: bool = False) -> None:
    lang = lang_of(update, context)
    communities = await places.all_communities(core_of(context))
    if not communities:
        await show(update, t(lang, "residents.no_communities"), new=new)
        return
    if len(communities) == 1:  # one community: go straight to its grids
        await _grid_step(update, context, communities[0].id, intro, new=new)
        return
    items = [(c.name, f"res:c:{c.id}") for c in communities]
    await show(update, intro + t(lang, "residents.choose_community"),
                      choice_buttons(items, lang, page=page, page_data=lambda p: f"res:cp:{p}"), new=new)


async def _grid_step(update: Update, context: Ctx, community_id: int, intro: str = "", page: int = 0,
                     new: bool = False) -> None:
    lang = lang_of(update, context)
    com, grids = await residents.grid_choices(core_of(context), community_id)
    if not grids:
        await show(update, t(lang, "residents.no_grids", community=com.name), new=new)
        return
    many = len(await places.all_communities(core_of(context))) > 1
    back = [[Button(tp(lang, "residents.back"), data="res:cp:0")]] if many else []
    items = [(g.name, f"res:g:{g.id}") for g in grids]
    await show(update, intro + t(lang, "residents.choose_grid", community=com.name),
                      choice_buttons(items, lang, page=page, page_data=lambda p: f"res:c:{community_id}:{p}",
                                     extra=back), new=new)


async def ask_for_grid(update: Update, context: Ctx) -> None:
    """Guide someone with no grid: why it matters, then the community/grid buttons."""
    await _community_step(update, context, t(lang_of(update, context), "residents.why_grid") + "\n\n", new=True)


@domain_errors
async def grid_command(update: Update, context: Ctx) -> None:
    await answer(update)
    lang = lang_of(update, context)
    where = await residents.where_i_live(core_of(context), actor_of(update))
    intro = t(lang, "residents.current", community=where[0].name, grid=where[1].name) + "\n\n" if where else \
        t(lang, "residents.why_grid") + "\n\n"
    await _community_step(update, context, intro)


@domain_errors
async def community_page(update: Update, context: Ctx) -> None:
    await answer(update)
    await _community_step(update, context, "", page=int_arg(update))


@domain_errors
async def community_chosen(update: Update, context: Ctx) -> None:
    parts = (update.callback_query.data or "").split(":")  # type: ignore[union-attr]
    await _grid_step(update, context, int_arg(update, 2), page=int_arg(update, 3) if len(parts) > 3 else 0)
    await answer(update)


@domain_errors
async def grid_chosen(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    com, grid = await residents.choose_grid(core_of(context), actor_of(update), int_arg(update))
    await answer(update, t(lang, "residents.saved_short"))
    await show(update, t(lang, "residents.saved", community=com.name, grid=grid.name))


def build_handlers() -> list[BaseHandler]:
    return [
        CommandHandler("grid", grid_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("grid", group_start, filters=filters.ChatType.GROUPS),
        CallbackQueryHandler(grid_command, pattern=r"^menu:grid$"),
        CallbackQueryHandler(community_page, pattern=r"^res:cp:\d{1,4}$"),
        CallbackQueryHandler(community_chosen, pattern=r"^res:c:\d{1,12}(:\d{1,4})?$"),
        CallbackQueryHandler(grid_chosen, pattern=r"^res:g:\d{1,12}$"),
    ]
