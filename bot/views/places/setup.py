"""Admins set up places and roles: the lists to choose from, and /communities."""

from __future__ import annotations

from bot.i18n import join_list, t
from bot.services.places import CommunityOverview
from bot.views.callbacks import Callback
from storage.models import Community, Grid, Person

MAX_MESSAGE = 3800  # characters of one /communities message (Telegram allows 4096)


def who(person: Person) -> str:
    return person.name or str(person.tg_user_id)


def names(people: list[Person]) -> str:
    return ", ".join(who(p) for p in people) or "—"


def community_items(communities: list[Community], press: Callback) -> list[tuple[str, str]]:
    return [(c.name, press.data(c.id)) for c in communities]


def grid_items(pairs: list[tuple[Community, Grid]], press: Callback) -> list[tuple[str, str]]:
    return [(f"{c.name} · {g.name}", press.data(g.id)) for c, g in pairs]


def person_items(place_id: int, people: list[Person], press: Callback) -> list[tuple[str, str]]:
    """People to remove from a role at a place (`press`: place id, person id)."""
    return [(who(p), press.data(place_id, p.id)) for p in people]


def overview(lang: str, communities: list[CommunityOverview]) -> list[str]:
    """/communities as messages of at most ~3800 characters, never splitting a community's lines."""
    blocks = []
    for com in communities:
        lines = [
            t(
                lang,
                "places.ov_community",
                name=com.community.name,
                tz=com.community.timezone,
                admins=join_list(lang, com.admins) or "—",
            )
        ]
        for g in com.grids:
            lines.append(
                t(
                    lang,
                    "places.ov_grid",
                    name=g.grid.name,
                    leaders=join_list(lang, g.leaders) or "—",
                    volunteers=g.volunteers,
                    pending=g.pending,
                    households=g.households,
                    vgroup=g.volunteer_group or "—",
                    rgroup=g.residents_group or "—",
                )
            )
        if not com.grids:
            lines.append(t(lang, "places.ov_no_grids"))
        blocks.append("\n".join(lines))
    messages, chunk = [], ""
    for block in blocks:
        if chunk and len(chunk) + len(block) > MAX_MESSAGE:
            messages.append(chunk)
            chunk = ""
        chunk = f"{chunk}\n\n{block}" if chunk else block[:MAX_MESSAGE]
    return messages + [chunk]
