"""Handlers: board (not built yet)."""
from telegram.ext import BaseHandler


def build_handlers() -> list[BaseHandler]:
    return []
