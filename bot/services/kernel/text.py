"""What people type, cleaned once: invisible and direction-changing characters, whitespace, lengths.

Every cleaner returns the tidy value or raises InvalidInput with a catalog key that says what is
wrong. Values are never echoed back in errors (they may hold an address or a phone).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput

# bidi overrides, isolates and marks can make a text render backwards or hide part of it: refused
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# dropped silently where a text is kept as typed: controls (but tab and newline), zero-width, BOM, bidi
_INVISIBLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# Telegram's own limits (characters of a message, of a caption; bytes of callback data)
MESSAGE_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX = 64


def strip_invisible(text: str | None) -> str:
    """NFC, without control, zero-width or direction characters, outer whitespace trimmed; else as typed."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text or "")).strip()


def has_bad_chars(text: str, *, allow_newlines: bool) -> bool:
    """A direction character, or a control character (newlines allowed when asked)."""
    for ch in text:
        if ch in BIDI:
            return True
        if ch == "\n" and allow_newlines:
            continue
        if unicodedata.category(ch) == "Cc":
            return True
    return False


def _tidy(text: str | None, allow_newlines: bool) -> str:
    value = _SPACES.sub(" ", (text or "").strip())
    return _BLANK_LINES.sub("\n\n", value) if allow_newlines else value


def clean_line(text: str | None, *, max_len: int, key: str, min_len: int = 1, allow_newlines: bool = False) -> str:
    """One line (or a short paragraph) of human text: trimmed, bounded, something readable in it."""
    value = _tidy(text, allow_newlines)
    if (
        not value
        or len(value) < min_len
        or len(value) > max_len
        or has_bad_chars(value, allow_newlines=allow_newlines)
        or not any(ch.isalnum() for ch in value)
    ):
        raise InvalidInput(key, max=max_len, min=min_len)
    return value


def clean_text(text: str | None, *, max_len: int, key: str, required: bool = True, allow_newlines: bool = True) -> str:
    """Human free text (a note, an issue found on a visit): as clean_line, newlines kept, and "" when
    it may be left out."""
    value = _tidy(text, allow_newlines)
    if not value:
        if required:
            raise InvalidInput(key, max=max_len)
        return ""
    if (
        has_bad_chars(value, allow_newlines=allow_newlines)
        or len(value) > max_len
        or not any(ch.isalnum() for ch in value)
    ):
        raise InvalidInput(key, max=max_len)
    return value


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
