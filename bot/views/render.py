"""From a notice to a message: each feature's view module registers how it renders its notices.

    @renders(TaskTaken)
    def task_taken(n: TaskTaken, lang: str) -> OutMessage: ...

`render(notice, default_locale)` picks the reader's language (the notice's, else the community's
default) and calls the registered function. A notice nobody renders is a bug: LookupError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.i18n import pick_locale
from bot.services.kernel.notices import Notice

from .message import OutMessage

N = TypeVar("N", bound=Notice)
Renderer = Callable[[Any, str], OutMessage]
RENDERERS: dict[type[Notice], Renderer] = {}


def renders(kind: type[N]) -> Callable[[Callable[[N, str], OutMessage]], Callable[[N, str], OutMessage]]:
    def register(fn: Callable[[N, str], OutMessage]) -> Callable[[N, str], OutMessage]:
        if kind in RENDERERS:
            raise ValueError(f"{kind.__name__} is rendered twice")
        RENDERERS[kind] = fn
        return fn

    return register


def render(notice: Notice, default_locale: str) -> OutMessage:
    fn = RENDERERS.get(type(notice))
    if fn is None:
        raise LookupError(f"no view renders {type(notice).__name__}")
    return fn(notice, pick_locale(notice.language, default_locale))
