"""Views of the community office (the web dashboard, bot/web/dashboard): the labels of what it
shows. The dashboard's pages build their HTML from these and from the catalogs (bot.i18n)."""

from __future__ import annotations

from bot.i18n import catalogs, tp

__all__ = ["label_or"]


def label_or(lang: str, key: str, fallback: str) -> str:
    """A label from the catalogs, or the raw value for an enum member newer than the catalog."""
    return tp(lang, key) if key in catalogs().messages.get(lang, {}) else fallback
