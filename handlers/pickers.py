"""Long lists of buttons shared by the set-up features (communities, grids, people), page by page,
and the few helpers every button step uses (answer the press, show in place)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.services.kernel.order import natural_key
from bot.services.places import leader_grids, with_communities
from bot.views.callbacks import Callback
from bot.views.message import Keyboard
from bot.views.people.callbacks import is_menu
from bot.views.places import choice_buttons, grid_name
from storage.models import Grid

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, markup, say


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)


async def show(update: Update, text: str, buttons: Keyboard | None = None, *, new: bool = False) -> None:
    """Edit the pressed message in place (tidy chats), or send a new one: for commands, for
    `new=True`, and for the main-menu buttons (the menu stays usable)."""
    q = update.callback_query
    if new or q is None or is_menu(q.data):
        await say(update, text, buttons)
    else:
        await edit_or_say(update, text, buttons)


def conversation(**kwargs: Any) -> ConversationHandler[Any]:
    """A ConversationHandler whose steps mix buttons and typed answers. PTB warns that button
    presses are then tracked per chat and user rather than per message, which is what we want."""
    import warnings

    from telegram.warnings import PTBUserWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(**kwargs)


# ------------------------------------------------------------------ long lists with pages
Items = list[tuple[str, str]]
Loader = Callable[[Update, Ctx], Awaitable[Items]]
Extra = Callable[[str], Keyboard]
_PICKERS: dict[Callback, tuple[Loader, int, Extra | None]] = {}


def picker(pages: Callback, *, columns: int = 2, extra: Extra | None = None) -> Callable[[Loader], Loader]:
    """Register a list whose items a loader fetches again for every page (`pages`: the codec of
    its page buttons, pk:<code>:<page>). The loader returns (label, callback data) pairs and does
    its own role checks."""

    def register(load: Loader) -> Loader:
        assert pages not in _PICKERS, pages
        _PICKERS[pages] = (load, columns, extra)
        return load

    return register


def paged(pages: Callback, items: Sequence[tuple[str, str]], lang: str, page: int = 0) -> Keyboard:
    """A page of a registered list, from items the caller already has."""
    _, columns, extra = _PICKERS[pages]
    return choice_buttons(
        items, lang, page=page, page_data=pages, columns=columns, extra=extra(lang) if extra else None
    )


async def picker_buttons(update: Update, context: Ctx, pages: Callback, page: int = 0) -> Keyboard:
    return paged(pages, await _PICKERS[pages][0](update, context), lang_of(update, context), page)


def _is_page_turn(data: object) -> bool:
    return isinstance(data, str) and any(pages.matches(data) for pages in _PICKERS)


@domain_errors
async def _turn_page(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None
    pages = next(p for p in _PICKERS if p.matches(q.data))
    buttons = await picker_buttons(update, context, pages, pages.parse_id(q.data))
    await q.answer()
    try:
        await q.edit_message_reply_markup(markup(buttons))
    except BadRequest as e:  # the same page pressed again
        if "not modified" not in e.message:
            raise


async def grid_items(context: Ctx, grids: list[Grid], press: Callable[[int], str]) -> Items:
    """(label, data) for grids, by label in natural order (二网格 before 十网格): community-qualified names
    when they span communities.
    `press` makes a grid's callback data from its id (a codec's `data`)."""
    named = [(grid_name(g.name, com), press(g.id or 0)) for g, com in await with_communities(core_of(context), grids)]
    return sorted(named, key=lambda item: natural_key(item[0]))


def led_grid_picker(pages: Callback, press: Callable[[int], str]) -> None:
    """A page-by-page list of the grids the person leads; `press` is a grid's button."""

    async def load(update: Update, context: Ctx) -> Items:
        return await grid_items(context, await leader_grids(core_of(context), actor_of(update)), press)

    picker(pages)(load)


def build_handlers() -> list[AnyHandler]:
    return [CallbackQueryHandler(_turn_page, pattern=_is_page_turn)]
