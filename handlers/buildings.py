"""Buildings (楼栋) and building heads (楼栋长): /buildinghead @user 3栋 [grid] names a head,
/buildings lists a leader's buildings with a button to remove each head (asked once), a button to each
building's screen (➕ a head picked among the grid's volunteers, ✖️ a head removed, rename: a small persistent conversation "building_name"; remove: asked first
when it has households) and ➕ per grid (the same conversation: names a line each). A household's
screen (handlers/visits.py) has 🏢 for a leader: the building picker here. A building head's
/households is handlers/households.py (their buildings' households); /visits lists them too."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.services import buildings
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.inputs import person_ref
from bot.views import building_heads as head_views
from bot.views import buildings as views
from bot.views import visits as visit_views

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, message_of, press_data, say, user_data
from .pickers import answer, conversation, show
from .task_common import expired, last_step, remember, take_pending

PRIVATE = filters.ChatType.PRIVATE
PENDING = "building_name"
NAME = 1
END = ConversationHandler.END


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
    await say(update, *views.building_list(lang, await buildings.buildings_page(core_of(context), actor_of(update))))


@domain_errors
async def list_pressed(update: Update, context: Ctx) -> None:
    page = await buildings.buildings_page(core_of(context), actor_of(update))
    await answer(update)
    await show(update, *views.building_list(lang_of(update, context), page))


@domain_errors
async def pick_head(update: Update, context: Ctx) -> None:
    """➕ on a building's screen (and ‹ ›): a page of the grid's volunteers to name head."""
    building_id, page = views.BLD_HEAD_PICK.parse(press_data(update))
    choices = await buildings.head_choices(core_of(context), actor_of(update), building_id, page)
    await answer(update)
    await show(update, *head_views.picker(lang_of(update, context), choices))


@domain_errors
async def head_picked(update: Update, context: Ctx) -> None:
    building_id, person_id = views.BLD_HEAD_SET.parse(press_data(update))
    granted = await buildings.name_head(core_of(context), actor_of(update), building_id, person_id)
    await answer(update)
    await show(update, *head_views.named(lang_of(update, context), granted, building_id))


@domain_errors
async def ask_remove_head(update: Update, context: Ctx) -> None:
    """✖️ on a head: asked once before the role is taken back."""
    head = await buildings.head_to_remove(
        core_of(context), actor_of(update), views.BLD_HEAD_ASK.parse_id(press_data(update))
    )
    await answer(update)
    await show(update, *head_views.remove_ask(lang_of(update, context), head))


@domain_errors
async def remove_head(update: Update, context: Ctx) -> None:
    head_id = views.BLD_REMOVE_HEAD.parse_id(press_data(update))
    lang = lang_of(update, context)
    removed = await buildings.remove_head(core_of(context), actor_of(update), head_id)
    await answer(update)
    await show(update, views.removed(lang, removed))


@domain_errors
async def building_pressed(update: Update, context: Ctx) -> None:
    card = await buildings.building_card(
        core_of(context), actor_of(update), views.BLD_SHOW.parse_id(press_data(update))
    )
    await answer(update)
    await show(update, *views.building_screen(lang_of(update, context), card))


@domain_errors
async def remove_pressed(update: Update, context: Ctx) -> None:
    """🗑: gone at once when it has no households; else the question (how many move to no building)."""
    building_id = views.BLD_REMOVE.parse_id(press_data(update))
    done = await buildings.remove_building(core_of(context), actor_of(update), building_id, confirmed=False)
    await answer(update)
    await show(update, *views.removal(lang_of(update, context), done))


@domain_errors
async def remove_confirmed(update: Update, context: Ctx) -> None:
    building_id = views.BLD_REMOVE_YES.parse_id(press_data(update))
    done = await buildings.remove_building(core_of(context), actor_of(update), building_id, confirmed=True)
    await answer(update)
    await show(update, *views.removal(lang_of(update, context), done))


# ------------------------------------------------------------------ a household's building
@domain_errors
async def household_pressed(update: Update, context: Ctx) -> None:
    place = await buildings.household_place(
        core_of(context), actor_of(update), views.BLD_HOUSEHOLD.parse_id(press_data(update))
    )
    await answer(update)
    await show(update, *views.household_picker(lang_of(update, context), place))


@domain_errors
async def move_pressed(update: Update, context: Ctx) -> None:
    household_id, building_id = views.BLD_MOVE.parse(press_data(update))
    place = await buildings.move_household(core_of(context), actor_of(update), household_id, building_id or None)
    await answer(update)
    await show(update, *views.household_moved(lang_of(update, context), place, visit_views.INFO.data(household_id)))


# ------------------------------------------------------------------ names typed: ➕ and ✏️
@domain_errors
async def ask_names(update: Update, context: Ctx) -> int | None:
    grid_id = views.BLD_ADD.parse_id(press_data(update))
    grid = await buildings.led_grid(core_of(context), actor_of(update), grid_id)
    await answer(update)
    remember(context, PENDING, grid=grid_id)
    await say(update, views.ask_names(lang_of(update, context), grid))
    return NAME


@domain_errors
async def ask_rename(update: Update, context: Ctx) -> int | None:
    building_id = views.BLD_RENAME.parse_id(press_data(update))
    card = await buildings.building_card(core_of(context), actor_of(update), building_id)
    await answer(update)
    remember(context, PENDING, building=building_id)
    await say(update, views.ask_rename(lang_of(update, context), card))
    return NAME


@last_step
async def name_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    lang, text = lang_of(update, context), message_of(update).text or ""
    core, actor = core_of(context), actor_of(update)
    try:
        if pending.get("building"):
            done = views.renamed(lang, await buildings.rename_building(core, actor, int(pending["building"]), text))
        elif pending.get("grid"):
            done = views.added(lang, await buildings.add_buildings(core, actor, int(pending["grid"]), text))
        else:
            user_data(context).pop(PENDING, None)
            await say(update, views.name_restart(lang))
            return END
    except InvalidInput as e:  # the step stays open: the reason, and the question again
        await say(update, "❗ " + views.refusal(lang, e.key, e.params))
        return NAME
    user_data(context).pop(PENDING, None)
    await say(update, *done)
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, views.name_cancelled(lang_of(update, context)))
    return END


async def not_text(update: Update, context: Ctx) -> None:
    await say(update, views.send_name(lang_of(update, context)))


def build_handlers() -> list[AnyHandler]:
    naming = conversation(
        name=PENDING,
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CallbackQueryHandler(ask_names, pattern=views.BLD_ADD.pattern),
            CallbackQueryHandler(ask_rename, pattern=views.BLD_RENAME.pattern),
        ],
        states={
            NAME: [
                MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, name_text),
                MessageHandler(PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, not_text),
            ]
        },
        fallbacks=[CommandHandler("cancel", cancel)],
    )
    return [
        naming,
        CommandHandler("buildinghead", building_head, filters=PRIVATE),
        CommandHandler("buildings", buildings_command, filters=PRIVATE),
        CallbackQueryHandler(list_pressed, pattern=views.BLD_LIST.pattern),
        CallbackQueryHandler(remove_head, pattern=views.BLD_REMOVE_HEAD.pattern),
        CallbackQueryHandler(pick_head, pattern=views.BLD_HEAD_PICK.pattern),
        CallbackQueryHandler(head_picked, pattern=views.BLD_HEAD_SET.pattern),
        CallbackQueryHandler(ask_remove_head, pattern=views.BLD_HEAD_ASK.pattern),
        CallbackQueryHandler(building_pressed, pattern=views.BLD_SHOW.pattern),
        CallbackQueryHandler(remove_pressed, pattern=views.BLD_REMOVE.pattern),
        CallbackQueryHandler(remove_confirmed, pattern=views.BLD_REMOVE_YES.pattern),
        CallbackQueryHandler(household_pressed, pattern=views.BLD_HOUSEHOLD.pattern),
        CallbackQueryHandler(move_pressed, pattern=views.BLD_MOVE.pattern),
    ]
