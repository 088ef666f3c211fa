"""Red points (红色积分): a person's points and the leaderboards. What handlers, views and other features use."""

from .standing import BOARD_SIZE, Board, BoardRow, MyPoints, Period, Scope, leaderboard, my_points

__all__ = ["BOARD_SIZE", "Board", "BoardRow", "MyPoints", "Period", "Scope", "leaderboard", "my_points"]
