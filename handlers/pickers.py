"""Button lists shared by the set-up features: communities, grids, people, with pages when long."""
from __future__ import annotations

from typing import Awaitable, Callable, Sequence

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.i18n import tp
from bot.services.places.households import leader_grids
from bot.services.kernel.notifier import Button
from bot.services.people.roles import row_id
from bot.services.places.grids import grid_labels
from storage.models import Grid

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, markup, say

PER_PAGE = 24  # Telegram allows 100 buttons a keyboard; 24 in two columns stays readable
MAX_LABEL = 40


def label(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def choice_buttons(items: Sequence[tuple[str, str]], lang: str, *, page: int = 0,
                   page_data: Callable[[int], str] | None = None, columns: int = 2,
                   extra: list[list[Button]] | None = None) -> list[list[Button]]:
    """(label, callback data) pairs as rows of buttons, one page of them, with ◀ ▶ when needed."""
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * PER_PAGE:(page + 1) * PER_PAGE]
    rows = [[Button(label(text), data=data) for text, data in chunk[i:i + columns]]
            for i in range(0, len(chunk), columns)]
    if pages > 1 and page_data is not None:
        nav = []
        if page > 0:
            nav.append(Button(tp(lang, "pick.prev"), data=page_data(page - 1)))
        nav.append(Button(f"{page + 1}/{pages}", data=page_data(page)))
        if page < pages - 1:
            nav.append(Button(tp(lang, "pick.next"), data=page_data(page + 1)))
        rows.append(nav)
    return rows + (extra or [])


def int_arg(update: Update, index: int = -1) -> int:
    """The numeric part of callback data like `res:g:12` (index -1) - never trusted further. Beyond
    the INTEGER columns' range (which PostgreSQL refuses as a parameter) it is 0: no row, page 0."""
    q = update.callback_query
    assert q is not None and q.data is not None
    return row_id(int(q.data.split(":")[index]))


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)


async def show(update: Update, text: str, buttons: list[list[Button]] | None = None, *, new: bool = False) -> None:
    """Edit the pressed message in place (tidy chats), or send a new one: for commands, for
    `new=True`, and for the main-menu buttons (the menu stays usable)."""
    q = update.callback_query
    if new or q is None or (q.data or "").startswith("menu:"):
        await say(update, text, buttons)
    else:
        await edit_or_say(update, text, buttons)


def conversation(**kwargs):  # type: ignore[no-untyped-def]
    """A ConversationHandler whose steps mix buttons and typed answers. PTB warns that button
    presses are then tracked per chat and user rather than per message, which is what we want."""
    import warnings

    from telegram.ext import ConversationHandler
    from telegram.warnings import PTBUserWarning
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(**kwargs)


# ------------------------------------------------------------------ long lists with pages
Loader = Callable[[Update, Ctx], Awaitable[list[tuple[str, str]]]]
_PICKERS: dict[str, tuple[Loader, int, Callable[[str], list[list[Button]]] | None]] = {}


def picker(code: str, *, columns: int = 2, extra: Callable[[str], list[list[Button]]] | None = None):  # type: ignore[no-untyped-def]
    """Register a list whose items a loader fetches again for every page (`pk:<code>:<page>`).
    The loader returns (label, callback data) pairs and does its own role checks."""
    def register(load: Loader) -> Loader:
        assert code not in _PICKERS and len(code) <= 8, code
        _PICKERS[code] = (load, columns, extra)
        return load
    return register


def paged(code: str, items: Sequence[tuple[str, str]], lang: str, page: int = 0) -> list[list[Button]]:
    """A page of a registered list, from items the caller already has."""
    _, columns, extra = _PICKERS[code]
    return choice_buttons(items, lang, page=page, page_data=lambda p: f"pk:{code}:{p}", columns=columns,
                          extra=extra(lang) if extra else None)


async def picker_buttons(update: Update, context: Ctx, code: str, page: int = 0) -> list[list[Button]]:
    return paged(code, await _PICKERS[code][0](update, context), lang_of(update, context), page)


@domain_errors
async def _turn_page(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    _, code, page = q.data.split(":")
    if code not in _PICKERS:
        await q.answer()
        return
    buttons = await picker_buttons(update, context, code, int(page))
    await q.answer()
    try:
        await q.edit_message_reply_markup(markup(buttons))
    except BadRequest as e:  # the same page pressed again
        if "not modified" not in e.message:
            raise


async def grid_items(context: Ctx, grids: list[Grid], fmt: str) -> list[tuple[str, str]]:
    """(label, data) for grids: community-qualified names when they span communities."""
    return [(name, fmt.format(g.id)) for g, name in await grid_labels(core_of(context), grids)]


def led_grid_picker(code: str, fmt: str) -> None:
    """A page-by-page list of the grids the person leads; `fmt` makes a grid's callback data."""
    async def load(update: Update, context: Ctx) -> list[tuple[str, str]]:
        return await grid_items(context, await leader_grids(core_of(context), actor_of(update)), fmt)
    picker(code)(load)


def build_handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(_turn_page, pattern=r"^pk:\w{1,8}:\d{1,4}$")]
