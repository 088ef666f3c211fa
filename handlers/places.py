"""Admins set up places and people: /newcommunity, /newgrid, /setleader, /addadmin (removing
roles and /communities: places_admin.py). All private-chat only; every press is re-checked."""

from __future__ import annotations

import re

from telegram import MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.i18n import t, tp
from bot.services import places
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.inputs import person_ref
from bot.views.callbacks import Callback
from bot.views.places import setup as views
from bot.views.places.callbacks import (
    PICK_ADD_ADMIN,
    PICK_ADMINS_OF,
    PICK_LEADERS_OF,
    PICK_NEW_GRID,
    PICK_SET_LEADER,
    PLC_ADD_ADMIN,
    PLC_ADMINS_OF,
    PLC_LEADERS_OF,
    PLC_NEW_GRID,
    PLC_SET_LEADER,
)

from . import pickers, places_admin
from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say, user_data
from .pickers import Items, answer, conversation, paged, picker, show

NG_COMMUNITY, NG_NAME, SL_GRID, SL_PERSON, AA_COMMUNITY, AA_PERSON = range(1, 7)
PRIVATE = filters.ChatType.PRIVATE
TZ_SHAPE = re.compile(r"^([A-Za-z_]+(/[A-Za-z0-9_+\-]+)+|UTC|utc)$")  # Asia/Shanghai, America/Argentina/Salta
DRAFT = "places"  # user_data: the place a set-up step is about


def _draft_id(context: Ctx, key: str) -> int:
    return int((user_data(context).get(DRAFT) or {}).get(key, 0))


@domain_errors
async def new_community(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    args = list(context.args or [])
    if not args:
        await say(update, t(lang, "places.newcommunity_usage"))
        return
    tz = None
    if len(args) > 1 and TZ_SHAPE.match(args[-1]):
        tz = args.pop()
    com = await places.create_community(core_of(context), actor_of(update), " ".join(args), tz)
    await say(update, t(lang, "places.community_created", name=com.name, tz=com.timezone))


# ------------------------------------------------------------------ /newgrid
@domain_errors
async def new_grid(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    communities = await places.administered_communities(core_of(context), actor_of(update))
    if not communities:
        await say(update, t(lang, "places.no_communities_yet"))
        return ConversationHandler.END
    await say(
        update,
        t(lang, "places.newgrid_choose_community"),
        paged(PICK_NEW_GRID, views.community_items(communities, PLC_NEW_GRID), lang),
    )
    return NG_COMMUNITY


@domain_errors
async def new_grid_community(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    com_id = PLC_NEW_GRID.parse_id(press_data(update))
    communities = {c.id: c for c in await places.administered_communities(core_of(context), actor_of(update))}
    if com_id not in communities:
        await answer(update, tp(lang, "places.admins_only"), alert=True)
        return None
    await answer(update)
    user_data(context)[DRAFT] = {"community_id": com_id}
    await show(update, t(lang, "places.newgrid_ask_name", community=communities[com_id].name))
    return NG_NAME


@domain_errors
async def new_grid_name(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    msg = update.effective_message
    grid = await places.create_grid(
        core_of(context), actor_of(update), _draft_id(context, "community_id"), (msg.text if msg else None) or ""
    )
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang, "places.grid_created", name=grid.name))
    return ConversationHandler.END


# ------------------------------------------------------------------ /setleader
@domain_errors
async def set_leader(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    pairs = await places.administered_grids(core_of(context), actor_of(update))
    if not pairs:
        await say(update, t(lang, "places.no_grids_yet"))
        return ConversationHandler.END
    await say(
        update,
        t(lang, "places.setleader_choose_grid"),
        paged(PICK_SET_LEADER, views.grid_items(pairs, PLC_SET_LEADER), lang),
    )
    return SL_GRID


@domain_errors
async def set_leader_grid(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    grid_id = PLC_SET_LEADER.parse_id(press_data(update))
    grid, leaders = await places.grid_leaders(core_of(context), actor_of(update), grid_id)
    await answer(update)
    user_data(context)[DRAFT] = {"grid_id": grid.id}
    await show(update, t(lang, "places.setleader_ask_person", grid=grid.name, leaders=views.names(leaders)))
    return SL_PERSON


def _ref_from_message(update: Update) -> int | str:
    """Who the admin means: a forwarded message, a shared contact, a numeric id or an @username."""
    msg = update.effective_message
    assert msg is not None
    origin = msg.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.id
    if isinstance(origin, MessageOriginHiddenUser) or origin is not None:
        raise InvalidInput("places.forward_hidden")
    if msg.contact is not None:
        if not msg.contact.user_id:
            raise InvalidInput("places.contact_without_account")
        return msg.contact.user_id
    return person_ref(msg.text)


@domain_errors
async def set_leader_person(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    person = await places.set_leader(
        core_of(context), actor_of(update), _draft_id(context, "grid_id"), _ref_from_message(update)
    )
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang, "places.leader_set", name=views.who(person)))
    return ConversationHandler.END


# ------------------------------------------------------------------ /addadmin
@domain_errors
async def add_admin(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    communities = await places.administered_communities(core_of(context), actor_of(update))
    if not communities:
        await say(update, t(lang, "places.no_communities_yet"))
        return ConversationHandler.END
    await say(
        update,
        t(lang, "places.addadmin_choose_community"),
        paged(PICK_ADD_ADMIN, views.community_items(communities, PLC_ADD_ADMIN), lang),
    )
    return AA_COMMUNITY


@domain_errors
async def add_admin_community(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    community_id = PLC_ADD_ADMIN.parse_id(press_data(update))
    com, admins = await places.community_admins(core_of(context), actor_of(update), community_id)
    await answer(update)
    user_data(context)[DRAFT] = {"community_id": com.id}
    await show(update, t(lang, "places.addadmin_ask_person", community=com.name, admins=views.names(admins)))
    return AA_PERSON


@domain_errors
async def add_admin_person(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    person = await places.add_admin(
        core_of(context), actor_of(update), _draft_id(context, "community_id"), _ref_from_message(update)
    )
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang, "places.admin_added", name=views.who(person)))
    return ConversationHandler.END


# ------------------------------------------------------------------ the long lists, page by page
def _communities(press: Callback) -> pickers.Loader:
    async def load(update: Update, context: Ctx) -> Items:
        return views.community_items(await places.administered_communities(core_of(context), actor_of(update)), press)

    return load


def _grids(press: Callback) -> pickers.Loader:
    async def load(update: Update, context: Ctx) -> Items:
        return views.grid_items(await places.administered_grids(core_of(context), actor_of(update)), press)

    return load


picker(PICK_NEW_GRID)(_communities(PLC_NEW_GRID))
picker(PICK_ADD_ADMIN)(_communities(PLC_ADD_ADMIN))
picker(PICK_ADMINS_OF)(_communities(PLC_ADMINS_OF))
picker(PICK_SET_LEADER, columns=1)(_grids(PLC_SET_LEADER))
picker(PICK_LEADERS_OF, columns=1)(_grids(PLC_LEADERS_OF))


# ------------------------------------------------------------------ conversation plumbing
async def cancel(update: Update, context: Ctx) -> int:
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "places.cancelled"))
    return ConversationHandler.END


async def wrong_input(update: Update, context: Ctx) -> None:
    """Anything else while a set-up step waits: say what is expected; stay on the step."""
    await say(update, t(lang_of(update, context), "places.expected_input"))


def build_handlers() -> list[AnyHandler]:
    person_input = PRIVATE & (filters.TEXT & ~filters.COMMAND | filters.CONTACT | filters.FORWARDED)
    conv = conversation(
        name="places",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CommandHandler("newgrid", new_grid, filters=PRIVATE),
            CommandHandler("setleader", set_leader, filters=PRIVATE),
            CommandHandler("addadmin", add_admin, filters=PRIVATE),
        ],
        states={
            NG_COMMUNITY: [CallbackQueryHandler(new_grid_community, pattern=PLC_NEW_GRID.pattern)],
            NG_NAME: [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, new_grid_name)],
            SL_GRID: [CallbackQueryHandler(set_leader_grid, pattern=PLC_SET_LEADER.pattern)],
            SL_PERSON: [MessageHandler(person_input, set_leader_person)],
            AA_COMMUNITY: [CallbackQueryHandler(add_admin_community, pattern=PLC_ADD_ADMIN.pattern)],
            AA_PERSON: [MessageHandler(person_input, add_admin_person)],
        },
        fallbacks=[CommandHandler("cancel", cancel), MessageHandler(PRIVATE & ~filters.COMMAND, wrong_input)],
    )
    return [
        conv,
        *pickers.build_handlers(),  # turning the pages of long lists, for every set-up feature
        CommandHandler("newcommunity", new_community, filters=PRIVATE),
        *places_admin.build_handlers(),
    ]
