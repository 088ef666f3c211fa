"""派单: the grid leader reassigns a taken slot, a volunteer's or a paired unit's claim whole (to a
volunteer of the grid, or a unit's back to the board). Every press is re-checked by the service."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.i18n import t
from bot.services.kernel.errors import Conflict
from bot.services.requests import (
    reassign_task,
    reassign_unit_claim,
    request_for_leader,
    require_status,
    take_back_unit_claim,
    volunteers_for,
)
from bot.views.requests.board import holder_rows, unit_name, unit_rows, volunteer_rows
from bot.views.requests.callbacks import (
    BOARD_REASSIGN,
    BOARD_REASSIGN_FROM,
    BOARD_REASSIGN_TO,
    BOARD_REASSIGN_UNIT,
    BOARD_REASSIGN_UNIT_TO,
    BOARD_UNIT_BACK,
)
from storage.enums import RequestStatus

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, press_data, say

OPEN, FILLED = RequestStatus.open.value, RequestStatus.filled.value


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query:
        await update.callback_query.answer(text)


@domain_errors
async def reassign_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await request_for_leader(core_of(context), actor_of(update), BOARD_REASSIGN.parse_id(press_data(update)))
    require_status(view.request, OPEN, FILLED)
    live = [p for p, s in view.holders if s in ("accepted", "started")]
    if not live and not view.units:
        raise Conflict("board.error.not_holding", code=view.request.code or "")
    await _answer(update)
    rows = holder_rows(lang, view.request.id or 0, live, view.units)
    await say(update, t(lang, "board.reassign_from", code=view.request.code or ""), rows)


@domain_errors
async def reassign_unit_button(update: Update, context: Ctx) -> None:
    """A unit's claim in the reassign list: to a volunteer of the grid, or back to the board."""
    lang = lang_of(update, context)
    rid, claim_id = BOARD_REASSIGN_UNIT.parse(press_data(update))
    view = await request_for_leader(core_of(context), actor_of(update), rid)
    require_status(view.request, OPEN, FILLED)
    unit = next((u for u in view.units if u.claim_id == claim_id), None)
    if unit is None:
        raise Conflict("units.claim_ended_leader", code=view.request.code or "")
    _, loads = await volunteers_for(core_of(context), actor_of(update), rid)
    await _answer(update)
    text = t(lang, "board.unit_reassign", code=view.request.code or "", unit=unit_name(lang, unit))
    await edit_or_say(update, text, unit_rows(lang, loads, rid, claim_id))


@domain_errors
async def reassign_unit_to_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    rid, claim_id, to_id = BOARD_REASSIGN_UNIT_TO.parse(press_data(update))
    result = await reassign_unit_claim(core_of(context), actor_of(update), rid, claim_id, to_id)
    await _answer(update)
    await edit_or_say(update, t(lang, "board.reassigned", code=result.request.code or ""))


@domain_errors
async def unit_back_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await take_back_unit_claim(core_of(context), actor_of(update), *BOARD_UNIT_BACK.parse(press_data(update)))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.unit_taken_back", code=req.code or ""))


@domain_errors
async def reassign_from_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    rid, from_id = BOARD_REASSIGN_FROM.parse(press_data(update))
    req, loads = await volunteers_for(core_of(context), actor_of(update), rid)
    require_status(req, OPEN, FILLED)
    await _answer(update)
    if not loads:
        await say(update, t(lang, "board.no_volunteers", code=req.code or ""))
        return
    await edit_or_say(
        update,
        t(lang, "board.reassign_to", code=req.code or ""),
        volunteer_rows(lang, loads, BOARD_REASSIGN_TO, rid, from_id),
    )


@domain_errors
async def reassign_to_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    result = await reassign_task(core_of(context), actor_of(update), *BOARD_REASSIGN_TO.parse(press_data(update)))
    await _answer(update)
    await edit_or_say(update, t(lang, "board.reassigned", code=result.request.code or ""))


def build_handlers() -> list[AnyHandler]:
    return [
        CallbackQueryHandler(reassign_button, pattern=BOARD_REASSIGN.pattern),
        CallbackQueryHandler(reassign_from_button, pattern=BOARD_REASSIGN_FROM.pattern),
        CallbackQueryHandler(reassign_to_button, pattern=BOARD_REASSIGN_TO.pattern),
        CallbackQueryHandler(reassign_unit_button, pattern=BOARD_REASSIGN_UNIT.pattern),
        CallbackQueryHandler(reassign_unit_to_button, pattern=BOARD_REASSIGN_UNIT_TO.pattern),
        CallbackQueryHandler(unit_back_button, pattern=BOARD_UNIT_BACK.pattern),
    ]
