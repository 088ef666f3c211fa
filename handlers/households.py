"""Leaders' households: /households (list per grid), /addhousehold (guided). Pairings are in
pairings.py; a volunteer's own households are shown by /visits (handlers/visits.py)."""
from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler,
                          MessageHandler, filters)

from bot.i18n import t, tp
from bot.services.places import households as hh
from bot.services.kernel.errors import DomainError, InvalidInput, NotAllowed
from bot.services.places.households import CARE_FLAG_KEYS
from bot.services.kernel.notifier import Button

from . import pairings
from .base import Ctx, actor_of, core_of, domain_errors, lang_of, say
from .pickers import answer, choice_buttons, conversation, grid_items, int_arg, label, led_grid_picker, paged, show

PRIVATE = filters.ChatType.PRIVATE
PER_PAGE = 10
GRID, ADDRESS, MEMBERS, COUNT, FLAGS, CONFIRM = range(1, 7)
DRAFT = "household"


def flags_text(lang: str, flags: str | list[str]) -> str:
    values = flags.split(",") if isinstance(flags, str) else flags
    return ", ".join(tp(lang, CARE_FLAG_KEYS[f]) for f in values if f in CARE_FLAG_KEYS)


led_grid_picker("hl", "hh:l:{}:0")
led_grid_picker("ha", "hh:ag:{}")


# ------------------------------------------------------------------ /households
@domain_errors
async def households_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    grids = await hh.leader_grids(core_of(context), actor_of(update))
    if len(grids) == 1:
        await _render_list(update, context, grids[0].id, 0, new=True)
        return
    await say(update, t(lang, "households.choose_grid"), paged("hl", await grid_items(context, grids, "hh:l:{}:0"), lang))


@domain_errors
async def list_page(update: Update, context: Ctx) -> None:
    await _render_list(update, context, int_arg(update, 2), int_arg(update, 3))
    await answer(update)


async def _render_list(update: Update, context: Ctx, grid_id: int, page: int, *, new: bool = False) -> None:
    lang = lang_of(update, context)
    grid, rows = await hh.households_of_grid(core_of(context), actor_of(update), grid_id)
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    lines = [t(lang, "households.list_header", grid=grid.name, n=len(rows),
               unpaired=sum(1 for r in rows if not r.volunteers))]
    for i, r in enumerate(rows[page * PER_PAGE:(page + 1) * PER_PAGE], start=page * PER_PAGE + 1):
        h = r.household
        lines.append(t(lang, "households.list_line", i=i, address=label(h.address), members=label(h.members) or "—",
                       count=h.member_count, flags=flags_text(lang, h.care_flags) or "—",
                       volunteers=", ".join(r.volunteers) or tp(lang, "households.not_paired")))
    if not rows:
        lines.append(t(lang, "households.none_yet"))
    nav = []
    if page > 0:
        nav.append(Button(tp(lang, "pick.prev"), data=f"hh:l:{grid_id}:{page - 1}"))
    if page < pages - 1:
        nav.append(Button(tp(lang, "pick.next"), data=f"hh:l:{grid_id}:{page + 1}"))
    actions = [Button(tp(lang, "households.add_button"), data=f"hh:add:{grid_id}"),
               Button(tp(lang, "households.pair_button"), data=f"hh:pg:{grid_id}")]
    await show(update, "\n".join(lines), [row for row in (nav, actions) if row], new=new)


# ------------------------------------------------------------------ /addhousehold
def _draft(context: Ctx) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


async def _ask(update: Update, context: Ctx, step: int, prefix: str = "", edit: bool = False) -> int:
    lang = lang_of(update, context)
    d = _draft(context)
    d["step"] = step
    if step == ADDRESS:
        await show(update, prefix + t(lang, "households.ask_address", grid=d.get("grid_name", "")), new=not edit)
    elif step == MEMBERS:
        await say(update, prefix + t(lang, "households.ask_members"))
    elif step == COUNT:
        await say(update, prefix + t(lang, "households.ask_count", max=hh.MAX_MEMBERS))
    elif step == FLAGS:
        chosen = d.get("care_flags") or []
        items = [(("✅ " if f in chosen else "▫️ ") + tp(lang, key), f"hh:af:{f}") for f, key in CARE_FLAG_KEYS.items()]
        await show(update, prefix + t(lang, "households.ask_flags"),
                   choice_buttons(items, lang, extra=[[Button(tp(lang, "households.flags_done"), data="hh:af:done")]]),
                   new=not edit)
    elif step == CONFIRM:
        await show(update, prefix + t(lang, "households.summary", grid=d.get("grid_name", ""), address=d.get("address"),
                                      members=d.get("members"), count=d.get("member_count"),
                                      flags=flags_text(lang, d.get("care_flags") or []) or "—"),
                   [[Button(tp(lang, "households.save"), data="hh:as:save"),
                     Button(tp(lang, "households.cancel_button"), data="hh:as:stop")]], new=not edit)
    return step


async def _again(update: Update, context: Ctx, err: DomainError) -> int:
    lang = lang_of(update, context)
    step = int(_draft(context).get("step", ADDRESS))
    if update.callback_query is not None:
        await answer(update, tp(lang, err.key, **err.params), alert=True)
        return step
    return await _ask(update, context, step, prefix="❗ " + t(lang, err.key, **err.params) + "\n\n")


@domain_errors
async def add_start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    grids = await hh.leader_grids(core_of(context), actor_of(update))
    data = update.callback_query.data if update.callback_query else None
    context.user_data[DRAFT] = {}  # type: ignore[index]
    wanted = int(data.rsplit(":", 1)[1]) if data else None
    if wanted is not None or len(grids) == 1:
        grid = next((g for g in grids if g.id == wanted), None) if wanted is not None else grids[0]
        if grid is None:
            raise NotAllowed("households.leaders_only")
        await answer(update)
        _draft(context).update(grid_id=grid.id, grid_name=grid.name)
        return await _ask(update, context, ADDRESS)
    await say(update, t(lang, "households.choose_grid"), paged("ha", await grid_items(context, grids, "hh:ag:{}"), lang))
    return GRID


@domain_errors
async def add_grid(update: Update, context: Ctx) -> int | None:
    grid_id = int((update.callback_query.data or "").rsplit(":", 1)[1])  # type: ignore[union-attr]
    grid = next((g for g in await hh.leader_grids(core_of(context), actor_of(update)) if g.id == grid_id), None)
    if grid is None:
        raise NotAllowed("households.leaders_only")
    await answer(update)
    _draft(context).update(grid_id=grid.id, grid_name=grid.name)
    return await _ask(update, context, ADDRESS, edit=True)


async def add_text(update: Update, context: Ctx) -> int:
    d = _draft(context)
    text = update.effective_message.text  # type: ignore[union-attr]
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


async def add_flag(update: Update, context: Ctx) -> int:
    d = _draft(context)
    value = (update.callback_query.data or "").rsplit(":", 1)[1]  # type: ignore[union-attr]
    if value == "done":
        await answer(update)
        return await _ask(update, context, CONFIRM, edit=True)
    if value not in CARE_FLAG_KEYS:
        return await _again(update, context, InvalidInput("households.bad_flags"))
    chosen = d.get("care_flags") or []
    d["care_flags"] = [f for f in chosen if f != value] if value in chosen else chosen + [value]
    await answer(update)
    return await _ask(update, context, FLAGS, edit=True)


async def add_save(update: Update, context: Ctx) -> int:
    lang = lang_of(update, context)
    d = _draft(context)
    try:
        await hh.add_household(core_of(context), actor_of(update), int(d.get("grid_id", 0)), d)
    except DomainError as e:
        if isinstance(e, InvalidInput) or e.key == "households.address_exists":
            await answer(update)
            await show(update, "❗ " + t(lang, e.key, **e.params) + "\n\n" + t(lang, "households.start_again"))
            context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
            return ConversationHandler.END
        await answer(update, tp(lang, e.key, **e.params), alert=True)
        return CONFIRM
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await answer(update)
    await show(update, t(lang, "households.saved", grid=d.get("grid_name", "")),
               [[Button(tp(lang, "households.add_another"), data=f"hh:add:{d.get('grid_id')}"),
                 Button(tp(lang, "households.show_list"), data=f"hh:l:{d.get('grid_id')}:0")]])
    return ConversationHandler.END


async def add_cancel(update: Update, context: Ctx) -> int:
    await answer(update)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await show(update, t(lang_of(update, context), "households.cancelled"), new=update.callback_query is None)
    return ConversationHandler.END


async def add_wrong(update: Update, context: Ctx) -> int:
    step = int(_draft(context).get("step", ADDRESS))
    key = "households.send_text" if step in (ADDRESS, MEMBERS, COUNT) else "households.use_buttons"
    return await _ask(update, context, step, prefix="❗ " + t(lang_of(update, context), key) + "\n\n")


async def add_busy(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "households.busy"))


def build_handlers() -> list[BaseHandler]:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    conv = conversation(
        name="household_add", persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("addhousehold", add_start, filters=PRIVATE),
                      CallbackQueryHandler(add_start, pattern=r"^hh:add:\d{1,12}$")],
        states={GRID: [CallbackQueryHandler(add_grid, pattern=r"^hh:ag:\d{1,12}$")],
                ADDRESS: [MessageHandler(text, add_text)], MEMBERS: [MessageHandler(text, add_text)],
                COUNT: [MessageHandler(text, add_text)],
                FLAGS: [CallbackQueryHandler(add_flag, pattern=r"^hh:af:\w{1,32}$")],
                CONFIRM: [CallbackQueryHandler(add_save, pattern=r"^hh:as:save$"),
                          CallbackQueryHandler(add_cancel, pattern=r"^hh:as:stop$")]},
        fallbacks=[CommandHandler("cancel", add_cancel), MessageHandler(PRIVATE & filters.COMMAND, add_busy),
                   MessageHandler(PRIVATE & ~filters.COMMAND, add_wrong)],
    )
    return [conv, CommandHandler("households", households_command, filters=PRIVATE),
            CallbackQueryHandler(list_page, pattern=r"^hh:l:\d{1,12}:\d{1,4}$")] + pairings.build_handlers()
