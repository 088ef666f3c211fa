"""微心愿墙 the wish wall: residents' micro-wishes (a request of the micro_wish category) as a list that
volunteers browse in private chat, page by page, by grid, without anyone's personal details; a wish is
claimed from there with the same atomic claim as the group card's Accept, or by a paired unit's
contact for the unit, as the card's "claim for my unit"."""

from .wall import PAGE_SIZE, WishGrid, WishLine, WishWall, claim_wish_for_unit, take_wish, wish_wall

__all__ = ["PAGE_SIZE", "WishGrid", "WishLine", "WishWall", "claim_wish_for_unit", "take_wish", "wish_wall"]
