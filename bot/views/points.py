"""Red points (红色积分): my points, hours and rank; the leaderboards and their buttons."""

from __future__ import annotations

from bot.i18n import Raw, t, tp
from bot.services.points import Award, Board, MyPoints, PartKind

from .callbacks import Callback, One
from .message import Button, Keyboard

# callback data, byte-identical to what the buttons in chats carry
BOARD = Callback("points", "board", One("grid", "community"), One("month", "all"))

BOARDS = [
    ("grid", "month", "points.button.grid_month"),
    ("grid", "all", "points.button.grid_all"),
    ("community", "month", "points.button.community_month"),
    ("community", "all", "points.button.community_all"),
]
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def board_buttons(lang: str, current: tuple[str, str] | None = None) -> Keyboard:
    buttons = [
        Button(("• " if (scope, period) == current else "") + tp(lang, key), data=BOARD.data(scope, period))
        for scope, period, key in BOARDS
    ]
    return [buttons[:2], buttons[2:]]


def _hours(h: float) -> str:
    return f"{h:g}"


PART_KEYS = {
    PartKind.task: "points.part.task",
    PartKind.hours: "points.part.hours",
    PartKind.five_star: "points.part.five_star",
    PartKind.visit: "points.part.visit",
    PartKind.event: "points.part.event",
    PartKind.emergency: "points.part.emergency",
}


def award_line(lang: str, award: Award) -> str:
    """ "+13 red points: 10 for the task + 3 for 1.5 h of service": every part named, their sum the total
    (exactly what /points gains)."""
    parts = " + ".join(t(lang, PART_KEYS[p.kind], points=p.points, hours=_hours(p.hours)) for p in award.parts)
    return t(lang, "points.award", points=award.points, parts=Raw(parts))


def mine(lang: str, p: MyPoints) -> tuple[str, Keyboard]:
    """/points: my totals, my rank in my grid, and the boards to choose from."""
    text = t(
        lang,
        "points.mine",
        points=p.points,
        hours=_hours(p.hours),
        month_points=p.month_points,
        month_hours=_hours(p.month_hours),
    )
    if p.rank is not None:
        text += "\n" + t(lang, "points.rank", grid=p.grid_name, rank=p.rank, ranked=p.ranked)
    else:
        text += "\n" + t(lang, "points.no_rank")
    if p.boards_empty:  # four empty boards to choose from would say nothing
        return text + "\n\n" + t(lang, "points.boards_empty"), []
    return text + "\n\n" + t(lang, "points.choose_board"), board_buttons(lang)


def board(lang: str, b: Board) -> tuple[str, Keyboard]:
    period = tp(lang, "points.period.month" if b.period == "month" else "points.period.all")
    lines = [t(lang, "points.board.header", place=b.place, period=period)]
    if not b.rows:
        lines.append(t(lang, "points.board.empty"))
    for r in b.rows:
        key = "points.board.line_me" if r.is_me else "points.board.line"
        lines.append(
            t(
                lang,
                key,
                medal=MEDALS.get(r.rank, ""),
                rank=r.rank,
                name=r.name or "—",
                points=r.points,
                hours=_hours(r.hours),
            )
        )
    if b.me is not None and not any(r.is_me for r in b.rows):
        lines.append(t(lang, "points.board.me", rank=b.me.rank, points=b.me.points, hours=_hours(b.me.hours)))
    return "\n".join(lines), board_buttons(lang, (b.scope, b.period))
