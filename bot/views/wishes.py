"""微心愿墙 the wish wall in a volunteer's private chat: a page of open wishes with a Take button on
each one they may take, the grids to filter by, ◀ ▶ between pages. No name, address or phone."""

from __future__ import annotations

from bot.i18n import t, tn, tp
from bot.services.wishes import PAGE_SIZE, WishWall
from bot.views.callbacks import ID, PAGE, Callback, Int

from .message import Button, Keyboard
from .places import label, page_nav
from .requests.labels import when_label

MAX_GRIDS = 23  # grid buttons: with "all grids", eight rows of three
WISH_PAGE = Callback("wish", "page", Int(0), PAGE)  # grid (0: every grid of the community), page
WISH_TAKE = Callback("wish", "take", ID, Int(0), PAGE)  # the wish (a request's id), the grid and page shown
WISH_UNIT = Callback("wish", "unit", ID, Int(0), PAGE)  # a unit's contact claims it for the unit: the same


def wall_text(lang: str, wall: WishWall) -> str:
    place = _grid_name(lang, wall)
    lines = [t(lang, "wish.wall.head", community=wall.community)]
    if wall.unit:
        lines.append(t(lang, "wish.wall.as_unit", unit=wall.unit))
    if not wall.total:
        lines.append(t(lang, "wish.wall.empty", place=place))
        return "\n".join(lines)
    lines.append(tn(lang, "wish.wall.count", wall.total, place=place, page=wall.page + 1, pages=wall.pages))
    for n, w in enumerate(wall.wishes, start=wall.page * PAGE_SIZE + 1):
        lines.append("")
        lines.append(t(lang, "wish.wall.item", n=n, code=w.code, grid=w.grid_name, summary=w.summary))
        lines.append(
            t(
                lang,
                "wish.wall.item_when",
                when=when_label(lang, w.when_kind, w.when_date, wall.this_year),
                left=w.places_left,
            )
        )
        if w.held:
            lines.append(t(lang, "wish.wall.item_yours"))
        elif not (w.takeable or w.unit_takeable):
            lines.append(t(lang, "wish.wall.item_other_grid"))
    lines.append("")
    if wall.volunteer:
        lines.append(t(lang, "wish.wall.foot"))
    if wall.unit:
        lines.append(t(lang, "wish.wall.foot_unit"))
    return "\n".join(lines)


def wall_buttons(lang: str, wall: WishWall) -> Keyboard:
    rows: Keyboard = []
    for n, w in enumerate(wall.wishes, start=wall.page * PAGE_SIZE + 1):
        # a volunteer takes it themselves; a unit's contact (who may be a volunteer too) claims it for the unit
        for may, take, key in (
            (w.takeable, WISH_TAKE, "wish.take_button"),
            (w.unit_takeable, WISH_UNIT, "wish.unit_button"),
        ):
            if may:
                rows.append(
                    [Button(tp(lang, key, n=n, code=w.code), data=take.data(w.request_id, wall.grid_id, wall.page))]
                )
    nav = page_nav(lang, wall.page, wall.pages, lambda p: WISH_PAGE.data(wall.grid_id, p))
    if nav:
        rows.append(nav)
    if len(wall.grids) > 1:
        # the grids with wishes, the reader's own and the chosen one (a city's community has dozens)
        shown = [g for g in wall.grids if g.wishes or g.id in (wall.home_grid_id, wall.grid_id)][:MAX_GRIDS]
        choices = [(0, tp(lang, "wish.grid_all"))] + [(g.id, f"{label(g.name)} ({g.wishes})") for g in shown]
        filters = [
            Button(("• " if gid == wall.grid_id else "") + text, data=WISH_PAGE.data(gid, 0)) for gid, text in choices
        ]
        rows.extend(filters[i : i + 3] for i in range(0, len(filters), 3))
    return rows


def _grid_name(lang: str, wall: WishWall) -> str:
    if not wall.grid_id:
        return tp(lang, "wish.grid_all")
    return next((g.name for g in wall.grids if g.id == wall.grid_id), "")
