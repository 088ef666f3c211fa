"""What an export sheet is: its scope, its columns, and what its cells hold. Values are facts: str,
int, float, bool, naive local datetimes and dates, a `Term` (an enum value the reader sees by its
label), `Several` of them in one cell, or a household's `Ledger` of visits; the writers format them
(export_write.py), and the caller's labels (bot/views/exchange) name them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.services.kernel.life_common import zone

Row = list[Any]
BATCH = 1000  # rows a query: keyset or offset paging keeps memory flat

# cells written as text whatever they hold: in XLSX a text cell (format "@"), never a number
TEXT_COLUMNS = frozenset({"phone"})
# columns an XLSX sheet makes wider: times ("2026-11-30 23:30"), and names or texts
TIME_COLUMNS = frozenset(
    {"created", "accepted", "done", "date", "last_active", "last_visit", "starts", "last_done", "next_due"}
)
WIDE_COLUMNS = frozenset(
    {"building", "summary", "volunteers", "attendees", "paired", "address", "members", "note", "event", "skills"}
    | {"unit", "service"}
)


@dataclass(frozen=True)
class Term:
    """An enum value shown by its label in the reader's language; `group` is its family:
    category, status (of a request), flag (a red flag), outcome (of a door visit), reason (for
    points), volunteer_status, work_group, skill, care (a household's care flag), event_kind,
    area ("community": an event for the whole community), care_rule (a care plan's frequency: w0..w6,
    dN) or care_status (active, paused, ended)."""

    group: str
    value: str


@dataclass(frozen=True)
class Several:
    """Several values in one cell (a request's volunteers, a visit's red flags)."""

    items: tuple[str | Term, ...]


@dataclass(frozen=True)
class Visit:
    """One door visit of a household's ledger."""

    when: datetime | None
    week: str
    volunteer: str
    outcome: Term
    flags: Several
    note: str | None  # only with contacts


@dataclass(frozen=True)
class Ledger:
    """A household's visits in the period, oldest first. XLSX gives them a sheet of their own (a row
    a visit, after the household's number); CSV, which has one sheet, writes them in one cell,
    a line a visit."""

    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class ExportScope:
    """What an export may contain: these grids (id -> name), times in `timezone`, and
    addresses/phones/notes only when `contacts` (the viewer leads every one of the grids)."""

    grids: dict[int, str]
    timezone: str
    contacts: bool = False
    buildings: bool = False  # some of the grids have buildings (楼栋): the households' and visits' building column


def local(when: datetime | None, tz: str) -> datetime | None:
    """Naive local time for the sheet (Excel has no time zones)."""
    if when is None:
        return None
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return aware.astimezone(zone(tz)).replace(tzinfo=None, microsecond=0)


def columns(kind: str, contacts: bool, buildings: bool = False) -> list[str]:
    """Column names (catalog keys `export.col.<name>`) of each kind of export; `buildings`: the
    households' building (楼栋) after their grid, and the visited household's after its number in the
    visits (only where some grid has buildings, so exports of grids without buildings read as before)."""
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
        "volunteers": [
            "volunteer",
            "grid",
            "volunteer_status",
            "work_group",
            "party_member",
            "skills",
            "shock_team",
            "joined",
            "points",
            "hours",
            "tasks_done",
            "visits",
            "events_attended",
            "last_active",
            "unit",
        ],
        "households": [
            "household",
            "grid",
            "member_count",
            "care",
            "paired",
            "visits",
            "last_visit",
            "last_outcome",
            "red_flags",
        ],
        "events": [
            "starts",
            "event",
            "event_kind",
            "place",
            "grid",
            "capacity",
            "signed_up",
            "attended",
            "no_show",
            "volunteers",
            "attendees",
            "cancelled",
        ],
        "units": ["unit", "contact", "communities", "unit_members", "tasks_done", "hours", "points", "open_claims"],
        "care": [
            "household",
            "grid",
            "care",
            "service",
            "frequency",
            "volunteer",
            "care_status",
            "last_done",
            "next_due",
            "care_done",
            "care_missed",
        ],
    }[kind]
    if contacts and kind == "requests":
        cols += ["address", "phone"]
    if contacts and kind == "visits":
        cols += ["address", "note"]
    if contacts and kind == "volunteers":
        cols += ["phone"]
    if kind == "visits" and buildings:  # the household's building (楼栋) as it is now, after its number
        cols.insert(cols.index("household") + 1, "building")
    if kind == "households":
        cols[2:2] = (["building"] if buildings else []) + (["address", "members", "phone"] if contacts else [])
        cols += (["note"] if contacts else []) + ["visit_ledger"]
    return cols


def ledger_columns(contacts: bool) -> list[str]:
    """The households export's second XLSX sheet: a row a visit."""
    return ["household", "grid", *(["address"] if contacts else []), "date", "week", "volunteer", "outcome"] + [
        "red_flags",
        *(["note"] if contacts else []),
    ]
