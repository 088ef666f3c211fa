"""Buildings (楼栋) and their heads: /buildings (a leader's buildings, heads and a button to remove
each head), /buildinghead's answers, a building head's /households, and the head's notice."""

from __future__ import annotations

from bot.i18n import join_list, t, tn, tp
from bot.services.buildings import BuildingHeadGranted, BuildingSummary, HeadedBuilding, HeadGranted
from bot.views.callbacks import ID, Callback
from bot.views.message import Button, Keyboard, OutMessage
from bot.views.places.labels import flags_text
from bot.views.places.lists import label
from bot.views.render import renders

BLD_REMOVE_HEAD = Callback("bld", "rmh", ID)  # bld:rmh:<BuildingHead id>
MAX_BUILDINGS = 40  # in one /buildings message (a grid has a handful; 40 keeps it under Telegram's length)
MAX_HOUSEHOLDS = 60  # in a building head's /households


def usage(lang: str) -> str:
    return t(lang, "buildings.usage")


def granted(lang: str, g: HeadGranted) -> str:
    return t(lang, "buildings.granted", name=g.person, building=g.building, grid=g.grid)


def removed(lang: str, g: HeadGranted) -> str:
    return t(lang, "buildings.removed", name=g.person, building=g.building, grid=g.grid)


def building_list(lang: str, buildings: list[BuildingSummary]) -> tuple[str, Keyboard]:
    """/buildings: each building with its households and heads; a ✖️ button per head."""
    if not buildings:
        return t(lang, "buildings.none_yet"), []
    lines, buttons = [t(lang, "buildings.list_header")], []
    for b in buildings[:MAX_BUILDINGS]:
        heads = join_list(lang, (name for _, name in b.heads)) or tp(lang, "buildings.no_head")
        lines.append(tn(lang, "buildings.list_line", b.households, grid=b.grid, name=b.name, heads=heads))
        for head_id, name in b.heads:
            text = tp(lang, "buildings.remove_button", name=label(name), building=label(b.name))
            buttons.append([Button(text, data=BLD_REMOVE_HEAD.data(head_id))])
    if len(buildings) > MAX_BUILDINGS:
        lines.append(t(lang, "buildings.more", n=len(buildings) - MAX_BUILDINGS))
    lines.append(t(lang, "buildings.how_to_grant"))
    return "\n".join(lines), buttons


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
