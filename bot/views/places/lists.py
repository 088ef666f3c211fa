"""Lists as buttons (communities, grids, people, households), a page at a time when long."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.i18n import tp
from bot.views.callbacks import Callback
from bot.views.message import Button, Keyboard

PER_PAGE = 24  # Telegram allows 100 buttons a keyboard; 24 in two columns stays readable
MAX_LABEL = 40
Items = Sequence[tuple[str, str]]  # (label, callback data)
PageData = Callback | Callable[[int], str]  # a page's callback data: a codec of one PAGE, or a function


def label(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _page_data(page_data: PageData, page: int) -> str:
    return page_data.data(page) if isinstance(page_data, Callback) else page_data(page)


def page_nav(lang: str, page: int, pages: int, page_data: PageData, *, counter: bool = True) -> list[Button]:
    """◀ n/m ▶ (the counter re-shows the page); nothing when there is one page."""
    if pages <= 1:
        return []
    nav = [Button(tp(lang, "pick.prev"), data=_page_data(page_data, page - 1))] if page > 0 else []
    if counter:
        nav.append(Button(f"{page + 1}/{pages}", data=_page_data(page_data, page)))
    if page < pages - 1:
        nav.append(Button(tp(lang, "pick.next"), data=_page_data(page_data, page + 1)))
    return nav


def choice_buttons(
    items: Items,
    lang: str,
    *,
    page: int = 0,
    page_data: PageData | None = None,
    columns: int = 2,
    extra: Keyboard | None = None,
) -> Keyboard:
    """(label, callback data) pairs as rows of buttons, one page of them, with ◀ ▶ when needed."""
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * PER_PAGE : (page + 1) * PER_PAGE]
    rows = [
        [Button(label(text), data=data) for text, data in chunk[i : i + columns]] for i in range(0, len(chunk), columns)
    ]
    if page_data is not None and pages > 1:
        rows.append(page_nav(lang, page, pages, page_data))
    return rows + (extra or [])


def grid_name(grid: str, community: str | None) -> str:
    """A grid on a button: "community · grid" when the list spans communities (see with_communities)."""
    return f"{community} · {grid}" if community is not None else grid
