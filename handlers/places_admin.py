"""Admins remove roles (/removeleader, /removeadmin: buttons only) and see /communities.
Private-chat only; every press is re-checked. Registered by handlers/places.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t
from bot.services import places
from bot.views.places import choice_buttons
from bot.views.places import setup as views
from bot.views.places.callbacks import (
    PICK_ADMINS_OF,
    PICK_LEADERS_OF,
    PLC_ADMINS_OF,
    PLC_LEADERS_OF,
    PLC_REMOVE_ADMIN,
    PLC_REMOVE_LEADER,
)

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say
from .pickers import answer, paged, show

PRIVATE = filters.ChatType.PRIVATE


@domain_errors
async def remove_leader(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    pairs = await places.administered_grids(core_of(context), actor_of(update))
    if not pairs:
        await say(update, t(lang, "places.no_grids_yet"))
        return
    await say(
        update,
        t(lang, "places.removeleader_choose_grid"),
        paged(PICK_LEADERS_OF, views.grid_items(pairs, PLC_LEADERS_OF), lang),
    )


@domain_errors
async def remove_leader_grid(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    grid_id = PLC_LEADERS_OF.parse_id(press_data(update))
    grid, leaders = await places.grid_leaders(core_of(context), actor_of(update), grid_id)
    await answer(update)
    if not leaders:
        await show(update, t(lang, "places.grid_has_no_leader", grid=grid.name))
        return
    await show(
        update,
        t(lang, "places.removeleader_choose_person", grid=grid.name),
        choice_buttons(views.person_items(grid_id, leaders, PLC_REMOVE_LEADER), lang, columns=1),
    )


@domain_errors
async def remove_leader_person(update: Update, context: Ctx) -> None:
    grid_id, person_id = PLC_REMOVE_LEADER.parse(press_data(update))
    person = await places.remove_leader(core_of(context), actor_of(update), grid_id, person_id)
    await answer(update)
    await show(update, t(lang_of(update, context), "places.leader_removed", name=views.who(person)))


@domain_errors
async def remove_admin(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    communities = await places.administered_communities(core_of(context), actor_of(update))
    if not communities:
        await say(update, t(lang, "places.no_communities_yet"))
        return
    await say(
        update,
        t(lang, "places.removeadmin_choose_community"),
        paged(PICK_ADMINS_OF, views.community_items(communities, PLC_ADMINS_OF), lang),
    )


@domain_errors
async def remove_admin_community(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    community_id = PLC_ADMINS_OF.parse_id(press_data(update))
    com, admins = await places.community_admins(core_of(context), actor_of(update), community_id)
    await answer(update)
    if not admins:
        await show(update, t(lang, "places.community_has_no_admin", community=com.name))
        return
    await show(
        update,
        t(lang, "places.removeadmin_choose_person", community=com.name),
        choice_buttons(views.person_items(community_id, admins, PLC_REMOVE_ADMIN), lang, columns=1),
    )


@domain_errors
async def remove_admin_person(update: Update, context: Ctx) -> None:
    community_id, person_id = PLC_REMOVE_ADMIN.parse(press_data(update))
    person = await places.remove_admin(core_of(context), actor_of(update), community_id, person_id)
    await answer(update)
    await show(update, t(lang_of(update, context), "places.admin_removed", name=views.who(person)))


@domain_errors
async def communities(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    overview = await places.overview(core_of(context), actor_of(update))
    if not overview:
        await say(update, t(lang, "places.no_communities_yet"))
        return
    for text in views.overview(lang, overview):
        await say(update, text)


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("removeleader", remove_leader, filters=PRIVATE),
        CommandHandler("removeadmin", remove_admin, filters=PRIVATE),
        CommandHandler("communities", communities, filters=PRIVATE),
        CallbackQueryHandler(remove_leader_grid, pattern=PLC_LEADERS_OF.pattern),
        CallbackQueryHandler(remove_leader_person, pattern=PLC_REMOVE_LEADER.pattern),
        CallbackQueryHandler(remove_admin_community, pattern=PLC_ADMINS_OF.pattern),
        CallbackQueryHandler(remove_admin_person, pattern=PLC_REMOVE_ADMIN.pattern),
    ]
