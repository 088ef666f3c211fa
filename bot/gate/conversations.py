"""PTB's conversation states, per update: which conversations an update belongs to (their keys), and
putting the states the gate loaded from the database into PTB's in-memory dicts before it runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application, ConversationHandler

App = Application[Any, Any, Any, Any, Any, Any]
Conversation = ConversationHandler[Any]
ConvKey = tuple[int | str, ...]


class _States(Protocol):
    """One conversation's states in PTB (its TrackingDict)."""

    data: dict[Any, object]

    def get(self, key: Any) -> object: ...

    def update_no_track(self, mapping: Mapping[Any, object]) -> None: ...


def ptb_conversations(app: App) -> Mapping[str, _States]:
    """PTB's in-memory conversation states by handler name. They live in a private attribute of the
    Application (PTB has no public way to set a state from outside a handler): a PTB release that
    renames it fails here, loudly, on the first update of any test, instead of silently losing states."""
    try:
        convs: Mapping[str, _States] = app._conversation_handler_conversations
    except AttributeError as e:
        raise RuntimeError(
            "python-telegram-bot's Application has no _conversation_handler_conversations "
            "any more: bot.gate.conversations needs updating"
        ) from e
    return convs


def conversation_key(handler: Conversation, update: Update) -> ConvKey | None:
    """The key PTB's ConversationHandler uses for this update (None if it has none)."""
    chat, user, key = update.effective_chat, update.effective_user, list[int | str]()
    if handler.per_chat:
        if chat is None:
            return None
        key.append(chat.id)
    if handler.per_user:
        if user is None:
            return None
        key.append(user.id)
    if handler.per_message:
        q = update.callback_query
        if q is None:
            return None
        if q.inline_message_id:
            key.append(q.inline_message_id)
        elif q.message is not None:
            key.append(q.message.message_id)
        else:
            return None
    return tuple(key)


def conversation_handlers(app: App) -> list[Conversation]:
    """Every persistent ConversationHandler of the app, nested ones included."""
    out: list[Conversation] = []

    def walk(handlers: Any) -> None:
        for h in handlers:
            if isinstance(h, ConversationHandler):
                if h.persistent and h.name:
                    out.append(h)
                for state_handlers in h.states.values():
                    walk(state_handlers)

    for group in app.handlers.values():
        walk(group)
    return out


class ConversationStates:
    """The app's persistent conversations (found once), keyed and set per update."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._handlers: list[Conversation] | None = None

    def keys(self, update: Update) -> dict[str, ConvKey]:
        convs = ptb_conversations(self.app)
        if not convs:
            return {}
        keys: dict[str, ConvKey] = {}
        for handler in self._conversations():
            key = conversation_key(handler, update)
            if key is not None and handler.name is not None and handler.name in convs:
                keys[handler.name] = key
        return keys

    def _conversations(self) -> list[Conversation]:
        if self._handlers is None:
            self._handlers = conversation_handlers(self.app)
        return self._handlers

    def apply(self, keys: dict[str, ConvKey], stored: dict[tuple[str, tuple[Any, ...]], object]) -> None:
        """Put this update's stored conversation states into PTB's in-memory dicts."""
        convs = ptb_conversations(self.app)
        for name, key in keys.items():
            states = convs[name]
            state = stored.get((name, key))
            current = states.get(key)
            if current is not None and not isinstance(current, (int, str)):
                continue  # a non-blocking step still running here: leave it
            if state is None:
                states.data.pop(key, None)
            else:
                states.update_no_track({key: state})
