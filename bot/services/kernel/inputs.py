"""Checking what people type: names, numbers, person references (text and phones: text.py, phones.py).

Each cleaner returns the tidy value or raises InvalidInput with a catalog key that says
what is wrong. Values are never echoed back in errors (they may hold addresses or phones).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput
from .phones import clean_phone
from .text import clean_line

__all__ = ["clean_int", "clean_line", "clean_name", "clean_phone", "person_ref"]

_USERNAME_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")


def clean_name(text: str | None, key: str = "input.bad_name") -> str:
    """A person's name: 1-50 characters, letters in it, one line."""
    value = clean_line(text, max_len=50, key=key)
    if not any(ch.isalpha() for ch in value):
        raise InvalidInput(key, max=50, min=1)
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
