"""Admins set up places and people: /newcommunity, /newgrid, /setleader, /removeleader,
/addadmin, /removeadmin, /communities. All private-chat only; every press is re-checked."""
from __future__ import annotations

import re

from telegram import MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler,
                          MessageHandler, filters)

from bot.i18n import t, tp
from bot.services.places import grids as places
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.inputs import person_ref

from . import pickers
from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .pickers import answer, choice_buttons, conversation, int_arg, paged, picker, show

NG_COMMUNITY, NG_NAME, SL_GRID, SL_PERSON, AA_COMMUNITY, AA_PERSON = range(1, 7)
PRIVATE = filters.ChatType.PRIVATE
TZ_SHAPE = re.compile(r"^([A-Za-z_]+(/[A-Za-z0-9_+\-]+)+|UTC|utc)$")  # Asia/Shanghai, America/Argentina/Salta


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
    await say(update, t(lang, "places.newgrid_choose_community"),
              paged("ng", [(c.name, f"plc:ng:{c.id}") for c in communities], lang))
    return NG_COMMUNITY


@domain_errors
async def new_grid_community(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    com_id = int_arg(update)
    communities = {c.id: c for c in await places.administered_communities(core_of(context), actor_of(update))}
    if com_id not in communities:
        await answer(update, tp(lang, "places.admins_only"), alert=True)
        return None
    await answer(update)
    context.user_data["places"] = {"community_id": com_id}  # type: ignore[index]
    await show(update, t(lang, "places.newgrid_ask_name", community=communities[com_id].name))
    return NG_NAME


@domain_errors
async def new_grid_name(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    draft = context.user_data.get("places") or {}  # type: ignore[union-attr]
    grid = await places.create_grid(core_of(context), actor_of(update), int(draft.get("community_id", 0)),
                                    update.effective_message.text or "")  # type: ignore[union-attr]
    context.user_data.pop("places", None)  # type: ignore[union-attr]
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
    items = [(f"{c.name} · {g.name}", f"plc:sl:{g.id}") for c, g in pairs]
    await say(update, t(lang, "places.setleader_choose_grid"), paged("sl", items, lang))
    return SL_GRID


@domain_errors
async def set_leader_grid(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    grid, leaders = await places.grid_leaders(core_of(context), actor_of(update), int_arg(update))
    await answer(update)
    context.user_data["places"] = {"grid_id": grid.id}  # type: ignore[index]
    now = ", ".join(p.name or str(p.tg_user_id) for p in leaders) or "—"
    await show(update, t(lang, "places.setleader_ask_person", grid=grid.name, leaders=now))
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
    grid_id = int((context.user_data.get("places") or {}).get("grid_id", 0))  # type: ignore[union-attr]
    person = await places.set_leader(core_of(context), actor_of(update), grid_id, _ref_from_message(update))
    context.user_data.pop("places", None)  # type: ignore[union-attr]
    await say(update, t(lang, "places.leader_set", name=person.name or str(person.tg_user_id)))
    return ConversationHandler.END


# ------------------------------------------------------------------ /addadmin
@domain_errors
async def add_admin(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    communities = await places.administered_communities(core_of(context), actor_of(update))
    if not communities:
        await say(update, t(lang, "places.no_communities_yet"))
        return ConversationHandler.END
    await say(update, t(lang, "places.addadmin_choose_community"),
              paged("aa", [(c.name, f"plc:aa:{c.id}") for c in communities], lang))
    return AA_COMMUNITY


@domain_errors
async def add_admin_community(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    com, admins = await places.community_admins(core_of(context), actor_of(update), int_arg(update))
    await answer(update)
    context.user_data["places"] = {"community_id": com.id}  # type: ignore[index]
    now = ", ".join(p.name or str(p.tg_user_id) for p in admins) or "—"
    await show(update, t(lang, "places.addadmin_ask_person", community=com.name, admins=now))
    return AA_PERSON


@domain_errors
async def add_admin_person(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    com_id = int((context.user_data.get("places") or {}).get("community_id", 0))  # type: ignore[union-attr]
    person = await places.add_admin(core_of(context), actor_of(update), com_id, _ref_from_message(update))
    context.user_data.pop("places", None)  # type: ignore[union-attr]
    await say(update, t(lang, "places.admin_added", name=person.name or str(person.tg_user_id)))
    return ConversationHandler.END


# ------------------------------------------------------------------ removing roles (buttons only)
@domain_errors
async def remove_leader(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    pairs = await places.administered_grids(core_of(context), actor_of(update))
    if not pairs:
        await say(update, t(lang, "places.no_grids_yet"))
        return
    items = [(f"{c.name} · {g.name}", f"plc:rlg:{g.id}") for c, g in pairs]
    await say(update, t(lang, "places.removeleader_choose_grid"), paged("rlg", items, lang))


@domain_errors
async def remove_leader_grid(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    grid, leaders = await places.grid_leaders(core_of(context), actor_of(update), int_arg(update))
    await answer(update)
    if not leaders:
        await show(update, t(lang, "places.grid_has_no_leader", grid=grid.name))
        return
    items = [(p.name or str(p.tg_user_id), f"plc:rl:{grid.id}:{p.id}") for p in leaders]
    await show(update, t(lang, "places.removeleader_choose_person", grid=grid.name),
               choice_buttons(items, lang, columns=1))


@domain_errors
async def remove_leader_person(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    person = await places.remove_leader(core_of(context), actor_of(update), int_arg(update, 2), int_arg(update, 3))
    await answer(update)
    await show(update, t(lang, "places.leader_removed", name=person.name or str(person.tg_user_id)))


@domain_errors
async def remove_admin(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    communities = await places.administered_communities(core_of(context), actor_of(update))
    if not communities:
        await say(update, t(lang, "places.no_communities_yet"))
        return
    await say(update, t(lang, "places.removeadmin_choose_community"),
              paged("rag", [(c.name, f"plc:rag:{c.id}") for c in communities], lang))


@domain_errors
async def remove_admin_community(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    com, admins = await places.community_admins(core_of(context), actor_of(update), int_arg(update))
    await answer(update)
    if not admins:
        await show(update, t(lang, "places.community_has_no_admin", community=com.name))
        return
    items = [(p.name or str(p.tg_user_id), f"plc:ra:{com.id}:{p.id}") for p in admins]
    await show(update, t(lang, "places.removeadmin_choose_person", community=com.name),
               choice_buttons(items, lang, columns=1))


@domain_errors
async def remove_admin_person(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    person = await places.remove_admin(core_of(context), actor_of(update), int_arg(update, 2), int_arg(update, 3))
    await answer(update)
    await show(update, t(lang, "places.admin_removed", name=person.name or str(person.tg_user_id)))


# ------------------------------------------------------------------ /communities
@domain_errors
async def communities(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    overview = await places.overview(core_of(context), actor_of(update))
    if not overview:
        await say(update, t(lang, "places.no_communities_yet"))
        return
    blocks = []
    for com in overview:
        lines = [t(lang, "places.ov_community", name=com.community.name, tz=com.community.timezone,
                   admins=", ".join(com.admins) or "—")]
        for g in com.grids:
            lines.append(t(lang, "places.ov_grid", name=g.grid.name, leaders=", ".join(g.leaders) or "—",
                           volunteers=g.volunteers, pending=g.pending, households=g.households,
                           vgroup=g.volunteer_group or "—", rgroup=g.residents_group or "—"))
        if not com.grids:
            lines.append(t(lang, "places.ov_no_grids"))
        blocks.append("\n".join(lines))
    chunk = ""
    for block in blocks:  # one message per ~3800 characters, never splitting a community's lines
        if chunk and len(chunk) + len(block) > 3800:
            await say(update, chunk)
            chunk = ""
        chunk = f"{chunk}\n\n{block}" if chunk else block[:3800]
    await say(update, chunk)


# ------------------------------------------------------------------ the long lists, page by page
def _communities(prefix: str):  # type: ignore[no-untyped-def]
    async def load(update: Update, context: Ctx) -> list[tuple[str, str]]:
        return [(c.name, f"{prefix}:{c.id}") for c in
                await places.administered_communities(core_of(context), actor_of(update))]
    return load


def _grids(prefix: str):  # type: ignore[no-untyped-def]
    async def load(update: Update, context: Ctx) -> list[tuple[str, str]]:
        return [(f"{c.name} · {g.name}", f"{prefix}:{g.id}") for c, g in
                await places.administered_grids(core_of(context), actor_of(update))]
    return load


picker("ng")(_communities("plc:ng"))
picker("aa")(_communities("plc:aa"))
picker("rag")(_communities("plc:rag"))
picker("sl", columns=1)(_grids("plc:sl"))
picker("rlg", columns=1)(_grids("plc:rlg"))


# ------------------------------------------------------------------ conversation plumbing
async def cancel(update: Update, context: Ctx) -> int:
    context.user_data.pop("places", None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "places.cancelled"))
    return ConversationHandler.END


async def wrong_input(update: Update, context: Ctx) -> None:
    """Anything else while a set-up step waits: say what is expected; stay on the step."""
    await say(update, t(lang_of(update, context), "places.expected_input"))


def build_handlers() -> list[BaseHandler]:
    person_input = PRIVATE & (filters.TEXT & ~filters.COMMAND | filters.CONTACT | filters.FORWARDED)
    conv = conversation(
        name="places", persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("newgrid", new_grid, filters=PRIVATE),
                      CommandHandler("setleader", set_leader, filters=PRIVATE),
                      CommandHandler("addadmin", add_admin, filters=PRIVATE)],
        states={
            NG_COMMUNITY: [CallbackQueryHandler(new_grid_community, pattern=r"^plc:ng:\d{1,12}$")],
            NG_NAME: [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, new_grid_name)],
            SL_GRID: [CallbackQueryHandler(set_leader_grid, pattern=r"^plc:sl:\d{1,12}$")],
            SL_PERSON: [MessageHandler(person_input, set_leader_person)],
            AA_COMMUNITY: [CallbackQueryHandler(add_admin_community, pattern=r"^plc:aa:\d{1,12}$")],
            AA_PERSON: [MessageHandler(person_input, add_admin_person)],
        },
        fallbacks=[CommandHandler("cancel", cancel), MessageHandler(PRIVATE & ~filters.COMMAND, wrong_input)],
    )
    return [
        conv,
        *pickers.build_handlers(),  # turning the pages of long lists, for every set-up feature
        CommandHandler("newcommunity", new_community, filters=PRIVATE),
        CommandHandler("removeleader", remove_leader, filters=PRIVATE),
        CommandHandler("removeadmin", remove_admin, filters=PRIVATE),
        CommandHandler("communities", communities, filters=PRIVATE),
        CallbackQueryHandler(remove_leader_grid, pattern=r"^plc:rlg:\d{1,12}$"),
        CallbackQueryHandler(remove_leader_person, pattern=r"^plc:rl:\d{1,12}:\d{1,12}$"),
        CallbackQueryHandler(remove_admin_community, pattern=r"^plc:rag:\d{1,12}$"),
        CallbackQueryHandler(remove_admin_person, pattern=r"^plc:ra:\d{1,12}:\d{1,12}$"),
    ]
