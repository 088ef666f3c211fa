"""微心愿墙 the wish wall: residents' micro-wishes (a request of the micro_wish category) as a list that
volunteers browse in private chat, page by page, by grid, without anyone's personal details; a wish is
claimed from there with the same atomic claim as the group card's Accept."""

from .wall import PAGE_SIZE, WishGrid, WishLine, WishWall, take_wish, wish_wall

__all__ = ["PAGE_SIZE", "WishGrid", "WishLine", "WishWall", "take_wish", "wish_wall"]
