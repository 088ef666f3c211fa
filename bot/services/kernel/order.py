"""Natural order: how people count the things they name. Grids, households and volunteers are listed by
the numbers in their names, never by code point: 一网格, 二网格, 三网格, 十网格, 十一网格 (not 一, 三, 二);
2号, 10号 (not 10号, 2号); 幸福里 3 栋 2 单元 401 before 幸福里 12 栋. Arabic digits (also
full-width ３), Chinese numerals (一二三…十…百…千, 〇/零/两) and text in between all count; equal keys
keep a stable order by the whole text, then by what the caller adds (an id)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

__all__ = ["chinese_number", "natural", "natural_key"]

T = TypeVar("T")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_PARTS = re.compile(r"(\d+|[零〇一二两三四五六七八九十百千]+)")

# a number sorts before text; both are tuples of (kind, value) so they always compare
NaturalKey = tuple[tuple[tuple[int, int | str], ...], str]


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十一 → 11, 二十 → 20, 一百零五 → 105, 二〇二六 → 2026 (digit by digit)."""
    if not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


def natural_key(text: str | None) -> NaturalKey:
    """The key that puts names in the order people count them (see the module's doc)."""
    norm = unicodedata.normalize("NFKC", text or "").casefold()
    parts: list[tuple[int, int | str]] = []
    for piece in _PARTS.split(norm):
        if not piece:
            continue
        if piece.isdigit():
            parts.append((0, int(piece)))
        elif _PARTS.fullmatch(piece):
            parts.append((0, chinese_number(piece)))
        else:
            parts.append((1, piece.strip()))
    return tuple(parts), norm


def natural(
    items: Iterable[T], name: Callable[[T], str | None], tie: Callable[[T], int | None] | None = None
) -> list[T]:
    """Items in natural order of their names; `tie` (an id) orders items of the same name."""
    return sorted(items, key=lambda i: (natural_key(name(i)), (tie(i) or 0) if tie else 0))
