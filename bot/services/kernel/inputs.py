"""Checking what people type: names, phones, free text, numbers, person references.

Each cleaner returns the tidy value or raises InvalidInput with a catalog key that says
what is wrong. Values are never echoed back in errors (they may hold addresses or phones).
"""
from __future__ import annotations

import re
import unicodedata

from bot.services.kernel.errors import InvalidInput

# bidi overrides/isolates can make a name render backwards or hide text: never accepted
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_PHONE_RE = re.compile(r"^\+?\d{5,20}$")
_USERNAME_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")


def _has_bad_chars(text: str, allow_newlines: bool) -> bool:
    for ch in text:
        if ch in _BIDI:
            return True
        if ch == "\n" and allow_newlines:
            continue
        if unicodedata.category(ch) == "Cc":
            return True
    return False


def clean_line(text: str | None, *, max_len: int, key: str, min_len: int = 1,
               allow_newlines: bool = False) -> str:
    """One line (or a short paragraph) of human text: trimmed, bounded, something readable in it."""
    value = re.sub(r"[ \t]+", " ", (text or "").strip())
    if allow_newlines:
        value = re.sub(r"\n{3,}", "\n\n", value)
    if (not value or len(value) < min_len or len(value) > max_len or _has_bad_chars(value, allow_newlines)
            or not any(ch.isalnum() for ch in value)):
        raise InvalidInput(key, max=max_len, min=min_len)
    return value


def clean_name(text: str | None, key: str = "input.bad_name") -> str:
    """A person's name: 1-50 characters, letters in it, one line."""
    value = clean_line(text, max_len=50, key=key)
    if not any(ch.isalpha() for ch in value):
        raise InvalidInput(key, max=50, min=1)
    return value


def clean_phone(raw: str | None, key: str = "input.bad_phone") -> str:
    """A phone number as digits with an optional leading +; spaces, dashes and brackets dropped."""
    value = re.sub(r"[\s\-().]", "", raw or "")
    if not _PHONE_RE.match(value):
        raise InvalidInput(key)
    return value


def clean_int(text: str | None, *, lo: int, hi: int, key: str) -> int:
    value = (text or "").strip()
    # full-width digits (１２) are common in Chinese input methods
    value = unicodedata.normalize("NFKC", value)
    if not value.isdigit() or len(value) > 6 or not lo <= int(value) <= hi:
        raise InvalidInput(key, lo=lo, hi=hi)
    return int(value)


def person_ref(text: str | None) -> int | str:
    """`123456789` (a Telegram user id) or `@username`; InvalidInput otherwise."""
    value = unicodedata.normalize("NFKC", (text or "").strip())
    if value.isdigit() and 0 < len(value) <= 15:
        return int(value)
    m = _USERNAME_RE.match(value)
    if m:
        return m.group(1).lower()
    raise InvalidInput("input.bad_person_ref")
