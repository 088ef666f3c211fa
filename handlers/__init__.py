"""Every handler, registered in one visible order.

Order matters: feature conversations come before the common /start so that deep links
(`/start req`) reach them; the fallbacks come last and only see what nobody handled.
"""
from __future__ import annotations

from telegram.ext import Application, BaseHandler

from . import common, errors

# Feature modules, each exposing build_handlers() -> list[BaseHandler].
FEATURES: list[str] = []


def build_all() -> list[BaseHandler]:
    import importlib
    handlers: list[BaseHandler] = []
    for name in FEATURES:
        handlers += importlib.import_module(f"handlers.{name}").build_handlers()
    handlers += common.build_handlers()
    handlers += common.build_fallbacks()
    return handlers


def register(app: Application) -> None:
    app.add_handlers(build_all())
    app.add_error_handler(errors.error_handler)
