"""Leaders' households: /households (list per grid), /addhousehold (guided). Pairings are in
pairings.py; a volunteer's own households are shown by /visits (handlers/visits.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.i18n import t, tp
from bot.services import buildings
from bot.services import places as hh
from bot.services.kernel.errors import DomainError, InvalidInput, NotAllowed
from bot.views import buildings as buildings_views
from bot.views.places import households as views
from bot.views.places.callbacks import (
    HH_ADD,
    HH_ADD_GRID,
    HH_BUILDING,
    HH_FLAG,
    HH_LIST,
    HH_SAVE,
    HH_STOP,
    PICK_ADD_GRID,
    PICK_LIST_GRID,
)
from bot.views.visits import INFO

from . import pairings
from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    begins_at,
    core_of,
    domain_errors,
    draft,
    lang_of,
    message_of,
    press_data,
    say,
    stale_press,
    superseded,
    user_data,
)
from .pickers import answer, conversation, grid_items, led_grid_picker, paged, show

PRIVATE = filters.ChatType.PRIVATE
GRID, ADDRESS, MEMBERS, COUNT, FLAGS, CONFIRM, BUILDING = range(1, 8)
DRAFT = "household"

led_grid_picker(PICK_LIST_GRID, views.list_first_page)
led_grid_picker(PICK_ADD_GRID, HH_ADD_GRID.data)


# ------------------------------------------------------------------ /households
@domain_errors
async def households_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    try:
        grids = await hh.leader_grids(core_of(context), actor_of(update))
    except NotAllowed:  # a building head (楼栋长) sees their buildings' households; anyone else the refusal
        await say(
            update,
            buildings_views.headed_list(lang, await buildings.headed_households(core_of(context), actor_of(update))),
        )
        return
    if len(grids) == 1:
        await _render_list(update, context, grids[0].id or 0, 0, new=True)
        return
    await say(
        update,
        t(lang, "households.choose_grid"),
        paged(PICK_LIST_GRID, await grid_items(context, grids, views.list_first_page), lang),
    )


@domain_errors
async def list_page(update: Update, context: Ctx) -> None:
    grid_id, page = HH_LIST.parse(press_data(update))
    await _render_list(update, context, grid_id, page)
    await answer(update)


async def _render_list(update: Update, context: Ctx, grid_id: int, page: int, *, new: bool = False) -> None:
    found = await hh.households_listing(core_of(context), actor_of(update), grid_id)
    opens = INFO.data if found.has_buildings else None  # a grid with buildings: each household's screen
    lang = lang_of(update, context)
    await show(update, *views.household_list(lang, grid_id, found.grid.name, found.rows, page, opens=opens), new=new)


# ------------------------------------------------------------------ /addhousehold
async def _ask(update: Update, context: Ctx, step: int, prefix: str = "", edit: bool = False) -> int:
    lang = lang_of(update, context)
    d = draft(context, DRAFT)
    d["step"] = step
    if step == BUILDING:
        choices = [(int(i), str(n)) for i, n in d.get("buildings") or []]
        text, buttons = buildings_views.add_step(lang, str(d.get("grid_name", "")), choices)
        await show(update, prefix + text, buttons, new=not edit)
    elif step == ADDRESS:
        await show(update, prefix + t(lang, "households.ask_address", grid=d.get("grid_name", "")), new=not edit)
    elif step == MEMBERS:
        await say(update, prefix + t(lang, "households.ask_members"))
    elif step == COUNT:
        await say(update, prefix + t(lang, "households.ask_count", max=hh.MAX_MEMBERS))
    elif step == FLAGS:
        await show(
            update,
            prefix + t(lang, "households.ask_flags"),
            views.flag_buttons(lang, d.get("care_flags") or []),
            new=not edit,
        )
    elif step == CONFIRM:
        text, buttons = views.summary(lang, d)
        await show(update, prefix + text, buttons, new=not edit)
    return step


async def _again(update: Update, context: Ctx, err: DomainError) -> int:
    lang = lang_of(update, context)
    step = int(draft(context, DRAFT).get("step", ADDRESS))
    if update.callback_query is not None:
        await answer(update, tp(lang, err.key, **err.params), alert=True)
        return step
    return await _ask(update, context, step, prefix="❗ " + t(lang, err.key, **err.params) + "\n\n")


@domain_errors
async def add_start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    grids = await hh.leader_grids(core_of(context), actor_of(update))
    data = press_data(update)
    user_data(context)[DRAFT] = {}
    begins_at(draft(context, DRAFT), message_of(update).message_id)  # an earlier run's buttons are stale
    wanted = HH_ADD.parse_id(data) if data else None
    if wanted is not None or len(grids) == 1:
        grid = next((g for g in grids if g.id == wanted), None) if wanted is not None else grids[0]
        if grid is None:
            raise NotAllowed("households.leaders_only")
        await answer(update)
        return await _first_step(update, context, grid.id or 0, grid.name, edit=False)
    await say(
        update,
        t(lang, "households.choose_grid"),
        paged(PICK_ADD_GRID, await grid_items(context, grids, HH_ADD_GRID.data), lang),
    )
    return GRID


@domain_errors
async def add_grid(update: Update, context: Ctx) -> int | None:
    grid_id = HH_ADD_GRID.parse_id(press_data(update))
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    grid = next((g for g in await hh.leader_grids(core_of(context), actor_of(update)) if g.id == grid_id), None)
    if grid is None:
        raise NotAllowed("households.leaders_only")
    await answer(update)
    return await _first_step(update, context, grid.id or 0, grid.name, edit=True)


async def _first_step(update: Update, context: Ctx, grid_id: int, grid_name: str, *, edit: bool) -> int:
    """The grid is known: which building first when it has buildings (楼栋), else the address."""
    choices = await buildings.grid_buildings(core_of(context), actor_of(update), grid_id)
    d = draft(context, DRAFT)
    d.update(grid_id=grid_id, grid_name=grid_name, has_buildings=bool(choices), buildings=[list(c) for c in choices])
    return await _ask(update, context, BUILDING if choices else ADDRESS, edit=edit)


async def add_building(update: Update, context: Ctx) -> int | None:
    """A building of the grid, or none (0); one drawn for this run only (a removed one: stale)."""
    d = draft(context, DRAFT)
    if await superseded(update, context, d):
        return None
    try:
        (building_id,) = HH_BUILDING.parse(press_data(update))
    except DomainError as e:
        return await _again(update, context, e)
    names = {int(i): str(n) for i, n in d.get("buildings") or []}
    if int(d.get("step", 0)) != BUILDING or (building_id and building_id not in names):
        await stale_press(update, context)
        return None
    d.update(building_id=building_id or None, building_name=names.get(building_id, ""))
    await answer(update)
    return await _ask(update, context, ADDRESS, edit=True)


async def add_text(update: Update, context: Ctx) -> int:
    d = draft(context, DRAFT)
    text = update.effective_message.text if update.effective_message else None
    step = int(d.get("step", ADDRESS))
    try:
        if step == ADDRESS:
            d["address"] = hh.clean_address(text)
        elif step == MEMBERS:
            d["members"] = hh.clean_members(text)
        elif step == COUNT:
            d["member_count"] = hh.clean_member_count(text)
        else:
            return await _again(update, context, InvalidInput("households.use_buttons"))
    except InvalidInput as e:
        return await _again(update, context, e)
    return await _ask(update, context, {ADDRESS: MEMBERS, MEMBERS: COUNT, COUNT: FLAGS}[step])


async def add_flag(update: Update, context: Ctx) -> int | None:
    d = draft(context, DRAFT)
    if await superseded(update, context, d):
        return None
    try:
        (value,) = HH_FLAG.parse(press_data(update))
    except DomainError as e:
        return await _again(update, context, e)
    if value == "done":
        await answer(update)
        return await _ask(update, context, CONFIRM, edit=True)
    chosen = d.get("care_flags") or []
    d["care_flags"] = [f for f in chosen if f != value] if value in chosen else chosen + [value]
    await answer(update)
    return await _ask(update, context, FLAGS, edit=True)


async def add_save(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    d = draft(context, DRAFT)
    if await superseded(update, context, d):  # an earlier run's summary: its save would save this one
        return None
    try:
        await hh.add_household(core_of(context), actor_of(update), int(d.get("grid_id", 0)), d)
    except DomainError as e:
        if isinstance(e, InvalidInput) or e.key in ("households.address_exists", "households.building_gone"):
            await answer(update)
            await show(update, "❗ " + t(lang, e.key, **e.params) + "\n\n" + t(lang, "households.start_again"))
            user_data(context).pop(DRAFT, None)
            return ConversationHandler.END
        await answer(update, tp(lang, e.key, **e.params), alert=True)
        return CONFIRM
    user_data(context).pop(DRAFT, None)
    await answer(update)
    await show(
        update,
        t(lang, "households.saved", grid=d.get("grid_name", "")),
        views.saved_buttons(lang, int(d.get("grid_id", 0))),
    )
    return ConversationHandler.END


async def add_cancel(update: Update, context: Ctx) -> int | None:
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    await answer(update)
    user_data(context).pop(DRAFT, None)
    await show(update, t(lang_of(update, context), "households.cancelled"), new=update.callback_query is None)
    return ConversationHandler.END


async def add_wrong(update: Update, context: Ctx) -> int:
    step = int(draft(context, DRAFT).get("step", ADDRESS))
    key = "households.send_text" if step in (ADDRESS, MEMBERS, COUNT) else "households.use_buttons"
    return await _ask(update, context, step, prefix="❗ " + t(lang_of(update, context), key) + "\n\n")


def build_handlers() -> list[AnyHandler]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    conv = conversation(
        name="household_add",
        persistent=True,
        allow_reentry=True,
        entry_points=[
            CommandHandler("addhousehold", add_start, filters=PRIVATE),
            CallbackQueryHandler(add_start, pattern=HH_ADD.pattern),
        ],
        states={
            GRID: [CallbackQueryHandler(add_grid, pattern=HH_ADD_GRID.pattern)],
            BUILDING: [CallbackQueryHandler(add_building, pattern=HH_BUILDING.pattern)],
            ADDRESS: [MessageHandler(text, add_text)],
            MEMBERS: [MessageHandler(text, add_text)],
            COUNT: [MessageHandler(text, add_text)],
            FLAGS: [CallbackQueryHandler(add_flag, pattern=HH_FLAG.pattern)],
            CONFIRM: [
                CallbackQueryHandler(add_save, pattern=HH_SAVE.pattern),
                CallbackQueryHandler(add_cancel, pattern=HH_STOP.pattern),
            ],
        },
        fallbacks=[CommandHandler("cancel", add_cancel), MessageHandler(PRIVATE & ~filters.COMMAND, add_wrong)],
    )
    return [
        conv,
        CommandHandler("households", households_command, filters=PRIVATE),
        CallbackQueryHandler(list_page, pattern=HH_LIST.pattern),
    ] + pairings.build_handlers()
