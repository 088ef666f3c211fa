"""/points: my red points, hours and rank; leaderboards per grid and community, month and all time."""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.i18n import t, tp
from bot.services.points import standing as points
from bot.services.kernel.notifier import Button
from bot.services.points.standing import Board

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say

BOARDS = [("grid", "month", "points.button.grid_month"), ("grid", "all", "points.button.grid_all"),
          ("community", "month", "points.button.community_month"), ("community", "all", "points.button.community_all")]
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def board_buttons(lang: str, current: tuple[str, str] | None = None) -> list[list[Button]]:
    buttons = [Button(("• " if (scope, period) == current else "") + tp(lang, key), data=f"points:board:{scope}:{period}")
               for scope, period, key in BOARDS]
    return [buttons[:2], buttons[2:]]


def _hours(h: float) -> str:
    return f"{h:g}"


def render_board(lang: str, board: Board) -> str:
    period = tp(lang, "points.period.month" if board.period == "month" else "points.period.all")
    lines = [t(lang, "points.board.header", place=board.place, period=period)]
    if not board.rows:
        lines.append(t(lang, "points.board.empty"))
    for r in board.rows:
        key = "points.board.line_me" if r.is_me else "points.board.line"
        lines.append(t(lang, key, medal=MEDALS.get(r.rank, ""), rank=r.rank, name=r.name, points=r.points,
                       hours=_hours(r.hours)))
    if board.me is not None and not any(r.is_me for r in board.rows):
        lines.append(t(lang, "points.board.me", rank=board.me.rank, points=board.me.points, hours=_hours(board.me.hours)))
    return "\n".join(lines)


@domain_errors
async def points_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    mine = await points.my_points(core_of(context), actor_of(update))
    text = t(lang, "points.mine", points=mine.points, hours=_hours(mine.hours), month_points=mine.month_points,
             month_hours=_hours(mine.month_hours))
    if mine.rank is not None:
        text += "\n" + t(lang, "points.rank", grid=mine.grid_name, rank=mine.rank, ranked=mine.ranked)
    else:
        text += "\n" + t(lang, "points.no_rank")
    await say(update, text + "\n\n" + t(lang, "points.choose_board"), board_buttons(lang))


@domain_errors
async def board_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    _, _, scope, period = q.data.split(":")
    board = await points.leaderboard(core_of(context), actor_of(update), scope, period)
    await q.answer()
    lang = lang_of(update, context)
    await edit_or_say(update, render_board(lang, board), board_buttons(lang, (scope, period)))


def build_handlers() -> list[BaseHandler]:
    return [
        CommandHandler("points", points_command),
        CallbackQueryHandler(board_button, pattern=r"^points:board:[a-z]{1,12}:[a-z]{1,8}$"),
    ]
