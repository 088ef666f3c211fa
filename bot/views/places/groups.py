"""/bind and /unbind: a group chat bound to a grid, as its volunteer or residents group."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.kernel.order import natural_key
from bot.services.places import BindResult
from bot.views.message import Button, Keyboard
from storage.enums import ChatKind
from storage.models import Grid

from .callbacks import GRP_BIND, GRP_KIND
from .labels import kind_text
from .lists import grid_name


def choose_kind(lang: str, current: tuple[str, str] | None) -> str:
    """Which kind of group this is; `current`: the grid and kind it is bound as now."""
    text = t(lang, "groups.bind_choose_kind")
    if current is not None:
        grid, kind = current
        text = t(lang, "groups.currently_bound", grid=grid, kind=kind_text(lang, kind)) + "\n\n" + text
    return text


def kind_buttons(lang: str) -> Keyboard:
    return [
        [
            Button(tp(lang, "groups.kind_volunteers_button"), data=GRP_KIND.data("v")),
            Button(tp(lang, "groups.kind_residents_button"), data=GRP_KIND.data("r")),
        ]
    ]


def grid_items(grids: list[tuple[Grid, str | None]], kind: str) -> list[tuple[str, str]]:
    """The grids the group may be bound to (see places.with_communities), by name."""
    return sorted(
        ((grid_name(g.name, com), GRP_BIND.data(g.id, kind)) for g, com in grids), key=lambda i: natural_key(i[0])
    )


def bound(lang: str, result: BindResult) -> str:
    kind = result.binding.kind
    text = t(
        lang,
        "groups.already_bound" if result.unchanged else "groups.bound",
        grid=result.grid.name,
        kind=kind_text(lang, kind),
    )
    if result.replaced_title:
        text += "\n" + t(lang, "groups.replaced", old=result.replaced_title)
    if kind == ChatKind.volunteers.value and not result.binding.invite_link:
        text += "\n\n" + t(lang, "groups.make_me_admin")
    return text
