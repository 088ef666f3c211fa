"""微心愿墙 /wishes: the open wishes of the volunteer's community, a page at a time, by grid; Take
claims one (the group card's claim); a paired unit's contact claims one for the unit. Private chat only: in a group, a button to the private chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import tp
from bot.services.wishes import claim_wish_for_unit, take_wish, wish_wall
from bot.views.wishes import WISH_PAGE, WISH_TAKE, WISH_UNIT, wall_buttons, wall_text

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, press_data, query_of, say
from .tasks import group_hint, in_group


async def _show(update: Update, context: Ctx, grid_id: int | None, page: int, *, edit: bool) -> None:
    lang = lang_of(update, context)
    wall = await wish_wall(core_of(context), actor_of(update), grid_id, page)
    text, buttons = wall_text(lang, wall), wall_buttons(lang, wall)
    await (edit_or_say(update, text, buttons) if edit else say(update, text, buttons))


@domain_errors
async def wishes_command(update: Update, context: Ctx) -> None:
    if in_group(update):
        await group_hint(update, context)
        return
    await _show(update, context, None, 0, edit=False)


@domain_errors
async def page_button(update: Update, context: Ctx) -> None:
    grid_id, page = WISH_PAGE.parse(press_data(update))
    await _show(update, context, grid_id, page, edit=True)
    await query_of(update).answer()


@domain_errors
async def take_button(update: Update, context: Ctx) -> None:
    request_id, grid_id, page = WISH_TAKE.parse(press_data(update))
    result = await take_wish(core_of(context), actor_of(update), request_id)
    key = "task.accepted_filled" if result.filled else "task.accepted"
    lang = lang_of(update, context)
    await query_of(update).answer(
        tp(lang, key, code=result.request.code or "", bot=context.bot.username), show_alert=True
    )
    await _show(update, context, grid_id, page, edit=True)  # the wall as it is now, where the press was


@domain_errors
async def unit_button(update: Update, context: Ctx) -> None:
    """A unit's contact claims a wish for the unit: the claim, with its member buttons, comes in
    private (as from the card's "claim for my unit"); the wall is redrawn where it was pressed."""
    request_id, grid_id, page = WISH_UNIT.parse(press_data(update))
    view = await claim_wish_for_unit(core_of(context), actor_of(update), request_id)
    lang = lang_of(update, context)
    await query_of(update).answer(tp(lang, "units.claimed_answer", unit=view.unit, code=view.code), show_alert=True)
    await _show(update, context, grid_id, page, edit=True)


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("wishes", wishes_command),
        CallbackQueryHandler(page_button, pattern=WISH_PAGE.pattern),
        CallbackQueryHandler(take_button, pattern=WISH_TAKE.pattern),
        CallbackQueryHandler(unit_button, pattern=WISH_UNIT.pattern),
    ]
