"""Every handler, registered in one visible order.

Order matters: feature conversations come before the common /start so that deep links
(`/start req`) reach them; the fallbacks come last and only see what nobody handled.
"""
from __future__ import annotations

from telegram.ext import Application, BaseHandler

from . import common, errors

# Feature modules, each exposing build_handlers() -> list[BaseHandler]. Guided conversations
# (requests, sign-up) come first so their steps see text before anything else does.
FEATURES: list[str] = [
    "requests", "volunteers", "places", "groups", "residents", "households",   # conversations, set-up
    "tasks", "board", "my_requests",                                            # the request loop
    "visits", "points", "events", "emergency",                                  # community life
    "digest", "dashboard", "privacy",                                           # leaders' views, privacy
]
# Modules whose build_fallbacks() catch what no feature took (relayed chat, unbound groups).
FALLBACKS: list[str] = ["relay", "groups"]


def build_all() -> list[BaseHandler]:
    import importlib
    handlers: list[BaseHandler] = []
    for name in FEATURES:
        handlers += importlib.import_module(f"handlers.{name}").build_handlers()
    handlers += common.build_handlers()
    for name in FALLBACKS:
        handlers += importlib.import_module(f"handlers.{name}").build_fallbacks()
    handlers += common.build_fallbacks()
    return handlers


def register(app: Application) -> None:
    app.add_handlers(build_all())
    app.add_error_handler(errors.error_handler)
