"""Leaders' households: the list of a grid, /addhousehold's questions, /pair and /unpair's lists."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from bot.i18n import join_list, t, tn, tnp, tp
from bot.services.places import HouseholdRow
from bot.views.message import Button, Keyboard
from bot.views.namesakes import names_told_apart
from storage.models import Household, Pairing, Person

from .callbacks import (
    HH_ADD,
    HH_FLAG,
    HH_LIST,
    HH_PAGE,
    HH_PAIR_DONE,
    HH_PAIR_GRID,
    HH_PAIR_VOLUNTEER,
    HH_SAVE,
    HH_STOP,
    HH_TOGGLE,
    HH_UNPAIR,
    HH_UNPAIR_VOLUNTEER,
)
from .labels import CARE_FLAG_KEYS, flags_text
from .lists import choice_buttons, label

LIST_PER_PAGE = 10


def household_list(
    lang: str,
    grid_id: int,
    grid: str,
    rows: list[HouseholdRow],
    page: int,
    *,
    opens: Callable[[int], str] | None = None,
) -> tuple[str, Keyboard]:
    """/households: a page of the grid's households with their volunteers; add and pair. `opens`
    (grids with buildings): a household's screen, a button each (where it is put into a building)."""
    pages = max(1, -(-len(rows) // LIST_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    lines = [
        tn(lang, "households.list_header", len(rows), grid=grid, unpaired=sum(1 for r in rows if not r.volunteers))
    ]
    for i, r in enumerate(rows[page * LIST_PER_PAGE : (page + 1) * LIST_PER_PAGE], start=page * LIST_PER_PAGE + 1):
        h = r.household
        lines.append(
            t(
                lang,
                "households.list_line",
                i=i,
                address=label(f"{r.building} · {h.address}" if r.building else h.address),
                members=label(h.members) or "—",
                count=h.member_count,
                flags=flags_text(lang, h.care_flags) or "—",
                volunteers=join_list(lang, r.volunteers) or tp(lang, "households.not_paired"),
            )
        )
    if not rows:
        lines.append(t(lang, "households.none_yet"))
    shown = rows[page * LIST_PER_PAGE : (page + 1) * LIST_PER_PAGE]
    opened = (
        [
            Button(
                f"{i}. " + label(f"{r.building} · {r.household.address}" if r.building else r.household.address),
                data=opens(r.household.id or 0),
            )
            for i, r in enumerate(shown, start=page * LIST_PER_PAGE + 1)
        ]
        if opens is not None
        else []
    )
    nav = []
    if page > 0:
        nav.append(Button(tp(lang, "pick.prev"), data=HH_LIST.data(grid_id, page - 1)))
    if page < pages - 1:
        nav.append(Button(tp(lang, "pick.next"), data=HH_LIST.data(grid_id, page + 1)))
    actions = [
        Button(tp(lang, "households.add_button"), data=HH_ADD.data(grid_id)),
        Button(tp(lang, "households.pair_button"), data=HH_PAIR_GRID.data(grid_id)),
    ]
    return "\n".join(lines), [*([b] for b in opened), *(row for row in (nav, actions) if row)]


def list_first_page(grid_id: int) -> str:
    """A grid's button in the /households grid list."""
    return HH_LIST.data(grid_id, 0)


def flag_buttons(lang: str, chosen: Collection[str]) -> Keyboard:
    items = [(("✅ " if f in chosen else "▫️ ") + tp(lang, key), HH_FLAG.data(f)) for f, key in CARE_FLAG_KEYS.items()]
    return choice_buttons(items, lang, extra=[[Button(tp(lang, "households.flags_done"), data=HH_FLAG.data("done"))]])


def summary(lang: str, d: dict[str, Any]) -> tuple[str, Keyboard]:
    """The new household before it is saved."""
    text = t(
        lang,
        "households.summary",
        grid=d.get("grid_name", ""),
        address=d.get("address"),
        members=d.get("members"),
        count=d.get("member_count"),
        flags=flags_text(lang, d.get("care_flags") or []) or "—",
    )
    if d.get("has_buildings"):  # a grid with buildings: the one chosen, or none
        text += "\n" + t(
            lang, "households.summary_building", building=d.get("building_name") or tp(lang, "buildings.none")
        )
    return text, [
        [
            Button(tp(lang, "households.save"), data=HH_SAVE.data()),
            Button(tp(lang, "households.cancel_button"), data=HH_STOP.data()),
        ]
    ]


def saved_buttons(lang: str, grid_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "households.add_another"), data=HH_ADD.data(grid_id)),
            Button(tp(lang, "households.show_list"), data=HH_LIST.data(grid_id, 0)),
        ]
    ]


# ------------------------------------------------------------------ /pair, /unpair
def volunteer_items(
    lang: str, grid_id: int, volunteers: list[tuple[Person, int]], *, unpair: bool
) -> list[tuple[str, str]]:
    """Volunteers with how many households they look after (for /unpair: only those with some)."""
    press = HH_UNPAIR_VOLUNTEER if unpair else HH_PAIR_VOLUNTEER
    names = names_told_apart(lang, (p for p, _ in volunteers))
    return [
        (f"{names.get(p.id or 0, p.name)} ({n})", press.data(grid_id, p.id)) for p, n in volunteers if n or not unpair
    ]


def household_choice(
    lang: str, name: str, grid: str, rows: list[HouseholdRow], chosen: Collection[int], page: int
) -> tuple[str, Keyboard]:
    """Tick the households to pair with the volunteer (🦺: someone looks after it already)."""
    items = [
        (
            ("✅ " if r.household.id in chosen else "▫️ ")
            + label(r.household.address)
            + ("" if not r.volunteers else " 🦺"),
            HH_TOGGLE.data(r.household.id),
        )
        for r in rows
    ]
    done = [[Button(tnp(lang, "households.pair_done", len(chosen)), data=HH_PAIR_DONE.data())]]
    return (
        t(lang, "households.choose_households", name=name, grid=grid),
        choice_buttons(items, lang, page=page, page_data=HH_PAGE, columns=1, extra=done),
    )


def unpair_choice(lang: str, pairings: list[tuple[Pairing, Household]]) -> tuple[str, Keyboard]:
    items = [("✖️ " + label(h.address), HH_UNPAIR.data(p.id)) for p, h in pairings]
    return t(lang, "households.choose_unpair"), choice_buttons(items, lang, columns=1)
