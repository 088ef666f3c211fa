"""Handlers: groups (not built yet)."""
from telegram.ext import BaseHandler


def build_handlers() -> list[BaseHandler]:
    return []


def build_fallbacks() -> list[BaseHandler]:
    return []
