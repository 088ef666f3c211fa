"""What an export sheet is: its scope, its columns, and what its cells hold. Values are facts: str,
int, float, naive local datetimes, a `Term` (an enum value the reader sees by its label) or `Several`
of them in one cell; the writers format them (exports.py), and the caller's labels (bot/views/exchange)
name them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Row = list[Any]


@dataclass(frozen=True)
class Term:
    """An enum value shown by its label in the reader's language; `group` is its family:
    category, status, flag (a red flag), outcome (of a door visit) or reason (for points)."""

    group: str
    value: str


@dataclass(frozen=True)
class Several:
    """Several values in one cell (a request's volunteers, a visit's red flags)."""

    items: tuple[str | Term, ...]


@dataclass(frozen=True)
class ExportScope:
    """What an export may contain: these grids (id -> name), times in `timezone`, and
    addresses/phones/notes only when `contacts` (the viewer leads every one of the grids)."""

    grids: dict[int, str]
    timezone: str
    contacts: bool = False


def columns(kind: str, contacts: bool) -> list[str]:
    """Column names (catalog keys `export.col.<name>`) of each kind of export."""
    cols = {
        "requests": [
            "code",
            "created",
            "grid",
            "category",
            "status",
            "summary",
            "slots",
            "volunteers",
            "accepted",
            "minutes_to_accept",
            "done",
            "hours",
            "stars",
        ],
        "visits": ["week", "date", "grid", "household", "volunteer", "outcome", "red_flags", "request"],
        "points": ["date", "volunteer", "grid", "reason", "points", "hours", "ref"],
        "hours": ["volunteer", "grid", "points", "hours", "tasks_done", "visits", "events_attended"],
    }[kind]
    if contacts and kind == "requests":
        cols += ["address", "phone"]
    if contacts and kind == "visits":
        cols += ["address", "note"]
    return cols
