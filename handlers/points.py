"""/points: my red points, hours and rank; leaderboards per grid and community, month and all time.

Callback data (bot/views/points.py): `points:board:<grid|community>:<month|all>`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.services import points
from bot.services.kernel.errors import InvalidInput
from bot.views import points as view
from bot.views.callbacks import StaleButton

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say


@domain_errors
async def points_command(update: Update, context: Ctx) -> None:
    mine = await points.my_points(core_of(context), actor_of(update))
    await say(update, *view.mine(lang_of(update, context), mine))


@domain_errors
async def board_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    try:
        scope, period = view.BOARD.parse(q.data)
    except StaleButton:
        raise InvalidInput("points.error.bad_board") from None
    board = await points.leaderboard(core_of(context), actor_of(update), scope, period)
    await q.answer()
    await edit_or_say(update, *view.board(lang_of(update, context), board))


def build_handlers() -> list[AnyHandler]:
    return [CommandHandler("points", points_command), CallbackQueryHandler(board_button, pattern=view.BOARD.pattern)]
