"""Buildings (楼栋) and their heads: /buildings (a leader's buildings, heads and a button to remove
each head; a building's screen to rename or remove it; ➕ to add buildings to a grid), /buildinghead's
answers, a household's building picker, a building head's /households, and the head's notice."""

from __future__ import annotations

from bot.i18n import join_list, t, tn, tnp, tp
from bot.services.buildings import (
    BuildingCard,
    BuildingHeadGranted,
    BuildingRemoval,
    BuildingRenamed,
    BuildingsAdded,
    BuildingsPage,
    HeadedBuilding,
    HeadGranted,
    HouseholdPlace,
)
from bot.views.callbacks import ID, Callback, Int
from bot.views.message import Button, Keyboard, OutMessage
from bot.views.places import callbacks as place_callbacks
from bot.views.places.labels import flags_text
from bot.views.places.lists import label
from bot.views.render import renders

BLD_REMOVE_HEAD = Callback("bld", "rmh", ID)  # bld:rmh:<BuildingHead id>
BLD_LIST = Callback("bld", "ls")  # back to /buildings
BLD_SHOW = Callback("bld", "b", ID)  # bld:b:<building>: its screen
BLD_ADD = Callback("bld", "add", ID)  # bld:add:<grid>: asks for the names (handlers' conversation)
BLD_RENAME = Callback("bld", "ren", ID)  # bld:ren:<building>: asks for the new name
BLD_REMOVE = Callback("bld", "rm", ID)  # bld:rm:<building>: removes it, or asks first when it has households
BLD_REMOVE_YES = Callback("bld", "rmy", ID)  # bld:rmy:<building>: removes it, its households to no building
BLD_HOUSEHOLD = Callback("bld", "hh", ID)  # bld:hh:<household>: the building picker of a household's screen
BLD_MOVE = Callback("bld", "mv", ID, Int(0))  # bld:mv:<household>:<building, 0: none>
BLD_HEAD_PICK = Callback("bld", "hp", ID, Int(0, 999))  # bld:hp:<building>:<page>: volunteers to name head
BLD_HEAD_SET = Callback("bld", "hs", ID, ID)  # bld:hs:<building>:<person>: names them head
BLD_HEAD_ASK = Callback("bld", "rha", ID)  # bld:rha:<BuildingHead id>: asks before removing them (then BLD_REMOVE_HEAD)
MAX_BUILDINGS = 40  # in one /buildings message (a grid has a handful; 40 keeps it under Telegram's length)
MAX_HEAD_BUTTONS = 30  # ✖️ buttons in one /buildings message (Telegram: 100 buttons a keyboard)
COLUMNS = 3  # building buttons a row
MAX_HOUSEHOLDS = 60  # in a building head's /households


def usage(lang: str) -> str:
    return t(lang, "buildings.usage")


def granted(lang: str, g: HeadGranted) -> str:
    return t(lang, "buildings.granted", name=g.person, building=g.building, grid=g.grid)


def removed(lang: str, g: HeadGranted) -> str:
    return t(lang, "buildings.removed", name=g.person, building=g.building, grid=g.grid)


def building_list(lang: str, page: BuildingsPage) -> tuple[str, Keyboard]:
    """/buildings: each building with its households and heads; a ✖️ button per head, a button per
    building (its screen: rename, remove) and ➕ per grid the reader leads."""
    buildings, several = page.buildings, len(page.grids) > 1
    add = [
        [
            Button(
                tp(lang, "buildings.add_button_in" if several else "buildings.add_button", grid=label(name)),
                data=BLD_ADD.data(gid),
            )
        ]
        for gid, name in page.grids
    ]
    if not buildings:
        return t(lang, "buildings.none_yet"), add
    lines, buttons = [t(lang, "buildings.list_header")], list[list[Button]]()
    for b in buildings[:MAX_BUILDINGS]:
        heads = join_list(lang, (name for _, name in b.heads)) or tp(lang, "buildings.no_head")
        lines.append(tn(lang, "buildings.list_line", b.households, grid=b.grid, name=b.name, heads=heads))
        for head_id, name in b.heads:
            if len(buttons) < MAX_HEAD_BUTTONS:
                text = tp(lang, "buildings.remove_button", name=label(name), building=label(b.name))
                buttons.append([Button(text, data=BLD_HEAD_ASK.data(head_id))])
    if len(buildings) > MAX_BUILDINGS:
        lines.append(t(lang, "buildings.more", n=len(buildings) - MAX_BUILDINGS))
    lines.append(t(lang, "buildings.how_to_grant"))
    shown = [
        Button("🏢 " + label(f"{b.grid} · {b.name}" if several else b.name), data=BLD_SHOW.data(b.id))
        for b in buildings[:MAX_BUILDINGS]
    ]
    rows = [shown[i : i + COLUMNS] for i in range(0, len(shown), COLUMNS)]
    return "\n".join(lines), buttons + rows + add


def building_screen(lang: str, b: BuildingCard) -> tuple[str, Keyboard]:
    """One building: its households and heads; name a head (➕), remove one (✖️, asked first),
    rename, remove the building, back to the list."""
    heads = join_list(lang, b.heads) or tp(lang, "buildings.no_head")
    text = tn(lang, "buildings.screen", b.households, name=b.name, grid=b.grid, heads=heads)
    removes = [
        Button(tp(lang, "buildings.head_remove_button", name=label(name)), data=BLD_HEAD_ASK.data(head_id))
        for head_id, name in zip(b.head_ids, b.heads, strict=False)
    ]
    return text, [
        [Button(tp(lang, "buildings.head_add_button"), data=BLD_HEAD_PICK.data(b.id, 0))],
        *[removes[i : i + 2] for i in range(0, len(removes), 2)],
        [
            Button(tp(lang, "buildings.rename_button"), data=BLD_RENAME.data(b.id)),
            Button(tp(lang, "buildings.delete_button"), data=BLD_REMOVE.data(b.id)),
        ],
        [Button(tp(lang, "buildings.back_button"), data=BLD_LIST.data())],
    ]


def ask_names(lang: str, grid: str) -> str:
    return t(lang, "buildings.ask_names", grid=grid)


def ask_rename(lang: str, b: BuildingCard) -> str:
    return t(lang, "buildings.ask_rename", name=b.name, grid=b.grid)


def added(lang: str, a: BuildingsAdded) -> tuple[str, Keyboard]:
    lines = []
    if a.added:
        lines.append(tn(lang, "buildings.added", len(a.added), grid=a.grid, names=join_list(lang, a.added)))
    if a.existing:
        lines.append(t(lang, "buildings.had_already", grid=a.grid, names=join_list(lang, a.existing)))
    return "\n".join(lines), [
        [
            Button(tp(lang, "buildings.add_more_button"), data=BLD_ADD.data(a.grid_id)),
            Button(tp(lang, "buildings.back_button"), data=BLD_LIST.data()),
        ]
    ]


def renamed(lang: str, r: BuildingRenamed) -> tuple[str, Keyboard]:
    text = t(lang, "buildings.renamed", old=r.old, new=r.new, grid=r.grid)
    return text, [[Button(tp(lang, "buildings.back_button"), data=BLD_LIST.data())]]


def name_cancelled(lang: str) -> str:
    return t(lang, "buildings.name_cancelled")


def name_restart(lang: str) -> str:
    """A typed name whose conversation lost its building or grid (a restart without its draft)."""
    return t(lang, "buildings.name_lost")


def removal(lang: str, r: BuildingRemoval) -> tuple[str, Keyboard]:
    """Removed (and how many households now belong to none), or the question before it."""
    back = [Button(tp(lang, "buildings.back_button"), data=BLD_LIST.data())]
    if r.removed:
        text = t(lang, "buildings.deleted", name=r.name, grid=r.grid)
        if r.households:
            text += "\n" + tn(lang, "buildings.deleted_moved", r.households)
        return text, [back]
    heads = join_list(lang, r.heads)
    text = tn(lang, "buildings.delete_ask", r.households, name=r.name, grid=r.grid)
    if heads:
        text += "\n" + t(lang, "buildings.delete_ask_heads", heads=heads)
    return text, [
        [Button(tnp(lang, "buildings.delete_yes", r.households), data=BLD_REMOVE_YES.data(r.building_id))],
        [Button(tp(lang, "buildings.keep_button"), data=BLD_SHOW.data(r.building_id))],
    ]


def _none_label(lang: str) -> str:
    return tp(lang, "buildings.none")


def building_choice(
    lang: str,
    choices: tuple[tuple[int, str], ...] | list[tuple[int, str]],
    current: int | None,
    press: Callback,
    *head: int,
) -> Keyboard:
    """A grid's buildings as buttons (✅ the current one) and "no building" (0)."""
    items = [
        Button(("✅ " if bid == current else "") + label(name), data=press.data(*head, bid)) for bid, name in choices
    ]
    rows = [items[i : i + COLUMNS] for i in range(0, len(items), COLUMNS)]
    return rows + [[Button(("✅ " if current is None else "") + "▫️ " + _none_label(lang), data=press.data(*head, 0))]]


def add_step(lang: str, grid: str, choices: list[tuple[int, str]]) -> tuple[str, Keyboard]:
    """/addhousehold in a grid with buildings: which building (or none)."""
    return t(lang, "buildings.ask_building", grid=grid), building_choice(lang, choices, -1, place_callbacks.HH_BUILDING)


def household_picker(lang: str, p: HouseholdPlace) -> tuple[str, Keyboard]:
    """The household screen's 🏢: which building of its grid it belongs to."""
    text = t(lang, "buildings.which_building", id=p.household_id, grid=p.grid, building=p.building or _none_label(lang))
    return text, building_choice(lang, p.choices, p.building_id, BLD_MOVE, p.household_id)


def household_moved(lang: str, p: HouseholdPlace, back: str) -> tuple[str, Keyboard]:
    """`back`: the household screen's button data (the visits' views own it)."""
    text = t(lang, "buildings.moved", id=p.household_id, grid=p.grid, building=p.building or _none_label(lang))
    return text, [[Button(tp(lang, "buildings.household_button"), data=back)]]


def headed_list(lang: str, buildings: list[HeadedBuilding]) -> str:
    """A building head's /households: their buildings' households (addresses: a private chat only)."""
    lines: list[str] = []
    shown = 0
    for b in buildings:
        lines.append(tn(lang, "buildings.headed_header", len(b.rows), name=b.name, grid=b.grid))
        for i, r in enumerate(b.rows, start=1):
            if shown >= MAX_HOUSEHOLDS:
                break
            shown += 1
            h = r.household
            lines.append(
                t(
                    lang,
                    "households.list_line",
                    i=i,
                    address=label(h.address),
                    members=label(h.members) or "—",
                    count=h.member_count,
                    flags=flags_text(lang, h.care_flags) or "—",
                    volunteers=join_list(lang, r.volunteers) or tp(lang, "households.not_paired"),
                )
            )
    total = sum(len(b.rows) for b in buildings)
    if total > shown:
        lines.append(t(lang, "buildings.more_households", n=total - shown))
    lines.append(t(lang, "buildings.headed_footer"))
    return "\n".join(lines)


@renders(BuildingHeadGranted)
def head_granted(n: BuildingHeadGranted, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id, text=tn(lang, "buildings.you_head", n.households, building=n.building, grid=n.grid)
    )


def refusal(lang: str, key: str, params: dict[str, object]) -> str:
    """A typed name refused (its reason), then the question stays open."""
    return t(lang, key, **params) + "\n" + t(lang, "buildings.try_again")


def send_name(lang: str) -> str:
    return t(lang, "buildings.send_name")
