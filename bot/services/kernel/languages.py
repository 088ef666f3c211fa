"""The languages redvest speaks, and which of them a person reads (a fact about them, not words)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

LANGUAGES = ("zh-CN", "en")


@lru_cache(maxsize=256)  # Babel's parse is a few regex matches: once per code, not once per message
def pick_locale(language_code: str | None, default: str = "zh-CN") -> str:
    """Map a Telegram language_code (en-GB, zh-hans, zh...) to one of LANGUAGES."""
    if not language_code:
        return default
    try:
        parsed = Locale.parse(language_code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return default
    if parsed.language == "zh":
        return "zh-CN"
    if parsed.language == "en":
        return "en"
    return default
