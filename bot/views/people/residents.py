"""/grid: a resident says which community and grid they live in."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.views.message import Button, Keyboard
from bot.views.places.lists import choice_buttons
from storage.models import Community, Grid

from .callbacks import RES_COMMUNITIES_PAGE, RES_COMMUNITY, RES_COMMUNITY_PAGE, RES_GRID


def communities_step(lang: str, intro: str, communities: list[Community], page: int) -> tuple[str, Keyboard]:
    items = [(c.name, RES_COMMUNITY.data(c.id)) for c in communities]
    return (
        intro + t(lang, "residents.choose_community"),
        choice_buttons(items, lang, page=page, page_data=RES_COMMUNITIES_PAGE),
    )


def grids_step(
    lang: str, intro: str, com: Community, grids: list[Grid], page: int, *, back: bool
) -> tuple[str, Keyboard]:
    """The community's grids; `back` to the communities when there are several."""
    extra = [[Button(tp(lang, "residents.back"), data=RES_COMMUNITIES_PAGE.data(0))]] if back else []
    items = [(g.name, RES_GRID.data(g.id)) for g in grids]
    return (
        intro + t(lang, "residents.choose_grid", community=com.name),
        choice_buttons(items, lang, page=page, page_data=lambda p: RES_COMMUNITY_PAGE.data(com.id, p), extra=extra),
    )


def current(lang: str, where: tuple[Community, Grid] | None) -> str:
    """What /grid says first: where they live now, else why it matters."""
    if where is None:
        return t(lang, "residents.why_grid") + "\n\n"
    return t(lang, "residents.current", community=where[0].name, grid=where[1].name) + "\n\n"
