"""Building heads (楼栋长) named and removed with buttons from a building's screen (/buildings): the
grid's volunteers to pick from, page by page; the question before a head is removed; and what the
head is told privately when the role is taken back."""

from __future__ import annotations

from bot.i18n import t, tn, tp
from bot.services.buildings import BuildingHeadRemoved, HeadChoices, HeadGranted, HeadToRemove
from bot.views.message import Button, Keyboard, OutMessage
from bot.views.namesakes import told_apart
from bot.views.places.lists import label
from bot.views.render import renders

from . import buildings as codecs  # the codecs are declared there (one name each for the stale-button walk)

COLUMNS = 2  # volunteer buttons a row


def picker(lang: str, c: HeadChoices) -> tuple[str, Keyboard]:
    """A page of the grid's approved volunteers (those heading the building already left out)."""
    back = [
        Button(tp(lang, "buildings.back_to_building", name=label(c.building)), data=codecs.BLD_SHOW.data(c.building_id))
    ]
    if not c.total:
        return t(lang, "buildings.pick_none", building=c.building, grid=c.grid), [back]
    text = tn(lang, "buildings.pick_head", c.total, building=c.building, grid=c.grid)
    if c.pages > 1:
        text += "\n" + t(lang, "buildings.pick_page", page=c.page + 1, pages=c.pages)
    people = [
        Button(told_apart(lang, label(name), c.hints.get(pid)), data=codecs.BLD_HEAD_SET.data(c.building_id, pid))
        for pid, name in c.volunteers
    ]
    rows = [people[i : i + COLUMNS] for i in range(0, len(people), COLUMNS)]
    pager = []
    if c.page > 0:
        pager.append(Button("‹", data=codecs.BLD_HEAD_PICK.data(c.building_id, c.page - 1)))
    if c.page + 1 < c.pages:
        pager.append(Button("›", data=codecs.BLD_HEAD_PICK.data(c.building_id, c.page + 1)))
    return text, rows + ([pager] if pager else []) + [back]


def named(lang: str, g: HeadGranted, building_id: int) -> tuple[str, Keyboard]:
    back = Button(
        tp(lang, "buildings.back_to_building", name=label(g.building)), data=codecs.BLD_SHOW.data(building_id)
    )
    return t(lang, "buildings.granted", name=g.person, building=g.building, grid=g.grid), [[back]]


def remove_ask(lang: str, h: HeadToRemove) -> tuple[str, Keyboard]:
    """Asked once: remove this head (their building's households leave their lists)?"""
    text = t(lang, "buildings.head_remove_ask", name=h.person, building=h.building, grid=h.grid)
    return text, [
        [
            Button(
                tp(lang, "buildings.head_remove_yes", name=label(h.person)), data=codecs.BLD_REMOVE_HEAD.data(h.head_id)
            )
        ],
        [Button(tp(lang, "buildings.keep_button"), data=codecs.BLD_SHOW.data(h.building_id))],
    ]


@renders(BuildingHeadRemoved)
def head_removed(n: BuildingHeadRemoved, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "buildings.you_no_longer_head", building=n.building, grid=n.grid))
