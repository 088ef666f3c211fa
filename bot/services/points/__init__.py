"""Red points (红色积分): a person's points and the leaderboards; each award with its parts, so every
points message adds up. What handlers, views and other features use."""

from .awards import Award, Part, PartKind, grant, task_parts
from .standing import BOARD_SIZE, Board, BoardRow, MyPoints, Period, Scope, leaderboard, my_points

__all__ = [
    "BOARD_SIZE",
    "Award",
    "Board",
    "BoardRow",
    "MyPoints",
    "Part",
    "PartKind",
    "Period",
    "Scope",
    "grant",
    "leaderboard",
    "my_points",
    "task_parts",
]
