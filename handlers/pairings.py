"""/pair and /unpair: a leader pairs a volunteer with households of their grid, by buttons.

The chosen households are kept in user_data while the leader picks; every press is checked
again by the service (volunteer approved, same grid, the leader leads it)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tn, tp
from bot.services import places as hh
from bot.views.callbacks import Callback, StaleButton
from bot.views.places import households as views
from bot.views.places.callbacks import (
    HH_PAGE,
    HH_PAIR_DONE,
    HH_PAIR_GRID,
    HH_PAIR_VOLUNTEER,
    HH_TOGGLE,
    HH_UNPAIR,
    HH_UNPAIR_GRID,
    HH_UNPAIR_VOLUNTEER,
    PICK_PAIR_GRID,
    PICK_PAIR_VOLUNTEER,
    PICK_UNPAIR_GRID,
    PICK_UNPAIR_VOLUNTEER,
)

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say, user_data
from .pickers import answer, grid_items, led_grid_picker, paged, picker, show

PRIVATE = filters.ChatType.PRIVATE
SEL = "pairing"
GRID_PICKS = {False: (PICK_PAIR_GRID, HH_PAIR_GRID), True: (PICK_UNPAIR_GRID, HH_UNPAIR_GRID)}
VOLUNTEER_PICKS = {False: PICK_PAIR_VOLUNTEER, True: PICK_UNPAIR_VOLUNTEER}


def _selection(context: Ctx) -> dict[str, Any] | None:
    sel: dict[str, Any] | None = user_data(context).get(SEL)
    return sel


async def _grids_or_volunteers(update: Update, context: Ctx, unpair: bool) -> None:
    """One grid goes straight to its volunteers."""
    lang = lang_of(update, context)
    grids = await hh.leader_grids(core_of(context), actor_of(update))
    if len(grids) == 1:
        await _volunteers(update, context, grids[0].id or 0, unpair, new=True)
        return
    pages, press = GRID_PICKS[unpair]
    await say(
        update, t(lang, "households.choose_grid"), paged(pages, await grid_items(context, grids, press.data), lang)
    )


async def _volunteers(update: Update, context: Ctx, grid_id: int, unpair: bool, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    grid, vols = await hh.pairable_volunteers(core_of(context), actor_of(update), grid_id)
    items = views.volunteer_items(lang, grid.id or 0, vols, unpair=unpair)
    if not items:
        await show(
            update,
            t(lang, "households.nobody_paired" if unpair else "households.no_volunteers", grid=grid.name),
            new=new,
        )
        return
    user_data(context)["pair_grid"] = grid.id  # for turning the pages of this list
    await show(
        update,
        t(lang, "households.choose_volunteer", grid=grid.name),
        paged(VOLUNTEER_PICKS[unpair], items, lang),
        new=new,
    )


led_grid_picker(PICK_PAIR_GRID, HH_PAIR_GRID.data)
led_grid_picker(PICK_UNPAIR_GRID, HH_UNPAIR_GRID.data)


def _volunteer_picker(unpair: bool) -> None:
    async def load(update: Update, context: Ctx) -> list[tuple[str, str]]:
        grid_id = int(user_data(context).get("pair_grid", 0))
        grid, vols = await hh.pairable_volunteers(core_of(context), actor_of(update), grid_id)
        return views.volunteer_items(lang_of(update, context), grid.id or 0, vols, unpair=unpair)

    picker(VOLUNTEER_PICKS[unpair])(load)


_volunteer_picker(False)
_volunteer_picker(True)


@domain_errors
async def pair_command(update: Update, context: Ctx) -> None:
    await _grids_or_volunteers(update, context, False)


@domain_errors
async def unpair_command(update: Update, context: Ctx) -> None:
    await _grids_or_volunteers(update, context, True)


def _grid_chosen(press: Callback, unpair: bool) -> Any:
    @domain_errors
    async def chosen(update: Update, context: Ctx) -> None:
        await _volunteers(update, context, press.parse_id(press_data(update)), unpair)
        await answer(update)

    return chosen


# ------------------------------------------------------------------ pairing: pick households
async def _households(update: Update, context: Ctx, page: int = 0) -> None:
    lang = lang_of(update, context)
    sel = _selection(context) or {}
    grid, rows = await hh.households_of_grid(core_of(context), actor_of(update), int(sel.get("grid", 0)))
    already = set(sel.get("already") or [])
    rows = [r for r in rows if r.household.id not in already]
    if not rows:
        await show(update, t(lang, "households.nothing_to_pair", grid=grid.name))
        return
    await show(
        update,
        *views.household_choice(lang, str(sel.get("name", "")), grid.name, rows, set(sel.get("chosen") or []), page),
    )


@domain_errors
async def volunteer_chosen(update: Update, context: Ctx) -> None:
    grid_id, vol_id = HH_PAIR_VOLUNTEER.parse(press_data(update))
    grid, vols = await hh.pairable_volunteers(core_of(context), actor_of(update), grid_id)
    vol = next((p for p, _ in vols if p.id == vol_id), None)
    if vol is None:
        await answer(update, tp(lang_of(update, context), "households.volunteer_not_approved"), alert=True)
        return
    current = await hh.pairings_of(core_of(context), actor_of(update), vol_id, grid_id)
    user_data(context)[SEL] = {
        "grid": grid_id,
        "vol": vol_id,
        "name": vol.name,
        "chosen": [],
        "already": [h.id for _, h in current],
    }
    await _households(update, context)
    await answer(update)


@domain_errors
async def household_toggled(update: Update, context: Ctx) -> None:
    hid = HH_TOGGLE.parse_id(press_data(update))
    sel = _selection(context)
    if not sel:  # the pairing was done or another begun: an old list
        raise StaleButton()
    chosen = sel.get("chosen") or []
    sel["chosen"] = [h for h in chosen if h != hid] if hid in chosen else chosen + [hid]
    await _households(update, context, page=int(sel.get("page", 0)))
    await answer(update)


@domain_errors
async def households_page(update: Update, context: Ctx) -> None:
    page = HH_PAGE.parse_id(press_data(update))
    sel = _selection(context)
    if not sel:
        raise StaleButton()
    sel["page"] = page
    await _households(update, context, page=page)
    await answer(update)


@domain_errors
async def pair_done(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    sel = _selection(context)
    if not sel:
        raise StaleButton()
    made = await hh.pair(core_of(context), actor_of(update), int(sel["vol"]), list(sel.get("chosen") or []))
    user_data(context).pop(SEL, None)
    await answer(update)
    await show(update, tn(lang, "households.paired", len(made), name=sel.get("name", "")))


# ------------------------------------------------------------------ unpairing
async def _pairings(update: Update, context: Ctx, grid_id: int, vol_id: int) -> None:
    lang = lang_of(update, context)
    current = await hh.pairings_of(core_of(context), actor_of(update), vol_id, grid_id)
    if not current:
        await show(update, t(lang, "households.no_pairings_left"))
        return
    await show(update, *views.unpair_choice(lang, current))


@domain_errors
async def unpair_volunteer(update: Update, context: Ctx) -> None:
    grid_id, vol_id = HH_UNPAIR_VOLUNTEER.parse(press_data(update))
    await _pairings(update, context, grid_id, vol_id)
    await answer(update)


@domain_errors
async def unpair_one(update: Update, context: Ctx) -> None:
    pairing, household = await hh.unpair(core_of(context), actor_of(update), HH_UNPAIR.parse_id(press_data(update)))
    await answer(update, tp(lang_of(update, context), "households.unpaired_short"))
    await _pairings(update, context, household.grid_id, pairing.volunteer_id)


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("pair", pair_command, filters=PRIVATE),
        CommandHandler("unpair", unpair_command, filters=PRIVATE),
        CallbackQueryHandler(_grid_chosen(HH_PAIR_GRID, False), pattern=HH_PAIR_GRID.pattern),
        CallbackQueryHandler(_grid_chosen(HH_UNPAIR_GRID, True), pattern=HH_UNPAIR_GRID.pattern),
        CallbackQueryHandler(volunteer_chosen, pattern=HH_PAIR_VOLUNTEER.pattern),
        CallbackQueryHandler(household_toggled, pattern=HH_TOGGLE.pattern),
        CallbackQueryHandler(households_page, pattern=HH_PAGE.pattern),
        CallbackQueryHandler(pair_done, pattern=HH_PAIR_DONE.pattern),
        CallbackQueryHandler(unpair_volunteer, pattern=HH_UNPAIR_VOLUNTEER.pattern),
        CallbackQueryHandler(unpair_one, pattern=HH_UNPAIR.pattern),
    ]
