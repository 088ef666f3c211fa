"""Row ids that come from outside (callback data, dashboard URLs, typed commands).

Past the INTEGER columns' range PostgreSQL refuses the parameter outright (SQLite does not), so
such an id must read as "not found" before it reaches a query.
"""

from __future__ import annotations

MAX_ROW_ID = 2**31 - 1


def row_id(value: int) -> int:
    """`value` as a bind parameter of an INTEGER id column: out of its range it is 0, which matches nothing."""
    return value if 0 < value <= MAX_ROW_ID else 0


def parse_row_id(text: str | None) -> int:
    """A row id typed or read from a URL or button: its digits, else 0 (matches nothing)."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return 0
    return row_id(int(text))


def stored_id(value: int | None) -> int:
    """The id of a row read from the database (only a row not yet flushed has none)."""
    assert value is not None, "a stored row has an id"
    return value
