"""The Bot API methods the sandbox answers, by name: each module of methods registers its own with
`@method()`, and the server looks them up here (so the modules of methods need not know each other)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import bad

METHODS: dict[str, tuple[str, Callable[..., Any]]] = {}


def method(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        for n in names or (fn.__name__,):
            METHODS[n.lower()] = (n, fn)
        return fn

    return deco


def chat_id_of(params: dict[str, Any]) -> int:
    cid = params.get("chat_id")
    if cid is None or cid == "":
        raise bad("chat_id is empty")
    if not isinstance(cid, int):
        raise bad("chat not found")
    return cid
