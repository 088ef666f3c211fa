"""/pair and /unpair: a leader pairs a volunteer with households of their grid, by buttons.

The chosen households are kept in user_data while the leader picks; every press is checked
again by the service (volunteer approved, same grid, the leader leads it)."""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services.places import households as hh
from bot.services.kernel.notifier import Button

from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .pickers import answer, choice_buttons, grid_items, int_arg, label, led_grid_picker, paged, picker, show

PRIVATE = filters.ChatType.PRIVATE
SEL = "pairing"


async def _grids_or_volunteers(update: Update, context: Ctx, mode: str) -> None:
    """mode 'p' (pair) or 'u' (unpair): one grid goes straight to its volunteers."""
    lang = lang_of(update, context)
    grids = await hh.leader_grids(core_of(context), actor_of(update))
    if len(grids) == 1:
        await _volunteers(update, context, grids[0].id, mode, new=True)
        return
    await say(update, t(lang, "households.choose_grid"),
              paged(f"h{mode}", await grid_items(context, grids, f"hh:{mode}g:{{}}"), lang))


async def _volunteers(update: Update, context: Ctx, grid_id: int, mode: str, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    grid, vols = await hh.pairable_volunteers(core_of(context), actor_of(update), grid_id)
    if mode == "u":
        vols = [(p, n) for p, n in vols if n]
    if not vols:
        await show(update, t(lang, "households.no_volunteers" if mode == "p" else "households.nobody_paired",
                             grid=grid.name), new=new)
        return
    items = [(f"{p.name} ({n})", f"hh:{mode}v:{grid.id}:{p.id}") for p, n in vols]
    context.user_data["pair_grid"] = grid.id  # type: ignore[index]  # for turning the pages of this list
    await show(update, t(lang, "households.choose_volunteer", grid=grid.name), paged(f"v{mode}", items, lang), new=new)


led_grid_picker("hp", "hh:pg:{}")
led_grid_picker("hu", "hh:ug:{}")


def _volunteer_picker(mode: str) -> None:
    async def load(update: Update, context: Ctx) -> list[tuple[str, str]]:
        grid_id = int(context.user_data.get("pair_grid", 0))  # type: ignore[union-attr]
        grid, vols = await hh.pairable_volunteers(core_of(context), actor_of(update), grid_id)
        return [(f"{p.name} ({n})", f"hh:{mode}v:{grid.id}:{p.id}") for p, n in vols if mode == "p" or n]
    picker(f"v{mode}")(load)


_volunteer_picker("p")
_volunteer_picker("u")


@domain_errors
async def pair_command(update: Update, context: Ctx) -> None:
    await _grids_or_volunteers(update, context, "p")


@domain_errors
async def unpair_command(update: Update, context: Ctx) -> None:
    await _grids_or_volunteers(update, context, "u")


@domain_errors
async def grid_chosen(update: Update, context: Ctx) -> None:
    mode = (update.callback_query.data or "")[3]  # type: ignore[union-attr]  # hh:pg / hh:ug
    await _volunteers(update, context, int_arg(update), mode)
    await answer(update)


# ------------------------------------------------------------------ pairing: pick households
async def _households(update: Update, context: Ctx, page: int = 0) -> None:
    lang = lang_of(update, context)
    sel = context.user_data.get(SEL) or {}  # type: ignore[union-attr]
    grid, rows = await hh.households_of_grid(core_of(context), actor_of(update), int(sel.get("grid", 0)))
    chosen = set(sel.get("chosen") or [])
    already = set(sel.get("already") or [])
    rows = [r for r in rows if r.household.id not in already]
    if not rows:
        await show(update, t(lang, "households.nothing_to_pair", grid=grid.name))
        return
    items = [(("✅ " if r.household.id in chosen else "▫️ ") + label(r.household.address)
              + ("" if not r.volunteers else " 🦺"), f"hh:ph:{r.household.id}") for r in rows]
    done = [[Button(tp(lang, "households.pair_done", n=len(chosen)), data="hh:pd")]]
    await show(update, t(lang, "households.choose_households", name=sel.get("name", ""), grid=grid.name),
               choice_buttons(items, lang, page=page, page_data=lambda p: f"hh:pp:{p}", columns=1, extra=done))


@domain_errors
async def volunteer_chosen(update: Update, context: Ctx) -> None:
    grid_id, vol_id = int_arg(update, 2), int_arg(update, 3)
    grid, vols = await hh.pairable_volunteers(core_of(context), actor_of(update), grid_id)
    vol = next((p for p, _ in vols if p.id == vol_id), None)
    if vol is None:
        await answer(update, tp(lang_of(update, context), "households.volunteer_not_approved"), alert=True)
        return
    current = await hh.pairings_of(core_of(context), actor_of(update), vol_id, grid_id)
    context.user_data[SEL] = {"grid": grid_id, "vol": vol_id, "name": vol.name, "chosen": [],  # type: ignore[index]
                              "already": [h.id for _, h in current]}
    await _households(update, context)
    await answer(update)


@domain_errors
async def household_toggled(update: Update, context: Ctx) -> None:
    sel = context.user_data.get(SEL)  # type: ignore[union-attr]
    if not sel:
        await answer(update, tp(lang_of(update, context), "error.stale_button"), alert=True)
        return
    hid = int_arg(update)
    chosen = sel.get("chosen") or []
    sel["chosen"] = [h for h in chosen if h != hid] if hid in chosen else chosen + [hid]
    await _households(update, context, page=int(sel.get("page", 0)))
    await answer(update)


@domain_errors
async def households_page(update: Update, context: Ctx) -> None:
    sel = context.user_data.get(SEL) or {}  # type: ignore[union-attr]
    sel["page"] = int_arg(update)
    await _households(update, context, page=sel["page"])
    await answer(update)


@domain_errors
async def pair_done(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    sel = context.user_data.get(SEL)  # type: ignore[union-attr]
    if not sel:
        await answer(update, tp(lang, "error.stale_button"), alert=True)
        return
    made = await hh.pair(core_of(context), actor_of(update), int(sel["vol"]), list(sel.get("chosen") or []))
    context.user_data.pop(SEL, None)  # type: ignore[union-attr]
    await answer(update)
    await show(update, t(lang, "households.paired", name=sel.get("name", ""), n=len(made)))


# ------------------------------------------------------------------ unpairing
async def _pairings(update: Update, context: Ctx, grid_id: int, vol_id: int) -> None:
    lang = lang_of(update, context)
    current = await hh.pairings_of(core_of(context), actor_of(update), vol_id, grid_id)
    if not current:
        await show(update, t(lang, "households.no_pairings_left"))
        return
    items = [("✖️ " + label(h.address), f"hh:up:{p.id}") for p, h in current]
    await show(update, t(lang, "households.choose_unpair"), choice_buttons(items, lang, columns=1))


@domain_errors
async def unpair_volunteer(update: Update, context: Ctx) -> None:
    await _pairings(update, context, int_arg(update, 2), int_arg(update, 3))
    await answer(update)


@domain_errors
async def unpair_one(update: Update, context: Ctx) -> None:
    pairing, household = await hh.unpair(core_of(context), actor_of(update), int_arg(update))
    await answer(update, tp(lang_of(update, context), "households.unpaired_short"))
    await _pairings(update, context, household.grid_id, pairing.volunteer_id)


def build_handlers() -> list[BaseHandler]:
    return [
        CommandHandler("pair", pair_command, filters=PRIVATE),
        CommandHandler("unpair", unpair_command, filters=PRIVATE),
        CallbackQueryHandler(grid_chosen, pattern=r"^hh:[pu]g:\d{1,12}$"),
        CallbackQueryHandler(volunteer_chosen, pattern=r"^hh:pv:\d{1,12}:\d{1,12}$"),
        CallbackQueryHandler(household_toggled, pattern=r"^hh:ph:\d{1,12}$"),
        CallbackQueryHandler(households_page, pattern=r"^hh:pp:\d{1,4}$"),
        CallbackQueryHandler(pair_done, pattern=r"^hh:pd$"),
        CallbackQueryHandler(unpair_volunteer, pattern=r"^hh:uv:\d{1,12}:\d{1,12}$"),
        CallbackQueryHandler(unpair_one, pattern=r"^hh:up:\d{1,12}$"),
    ]
