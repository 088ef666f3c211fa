"""The care plans export: a row a plan of the grids (running, paused, or ended in the period), its
household by number and kind of need (never the address or phone, whatever the contacts choice), how
often, who does it, its state, when it was last done and is next due, and the occurrences of the
period done and missed."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.care import care_rows
from bot.services.kernel.core import Core

from .export_sheet import ExportScope, Row, Several, Term, local


def care_rule(weekday: int | None, every_days: int | None) -> str:
    """The plan's frequency as one word (w0..w6: weekly on that day; dN: every N days), named by the labels."""
    return f"w{weekday}" if weekday is not None else f"d{every_days or 0}"


async def care_plan_rows(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    first, last = local(lo, sc.timezone), local(hi - timedelta(microseconds=1), sc.timezone)
    assert first is not None and last is not None
    rows: list[Row] = [
        [
            f"#{r.household_id}",
            sc.grids[r.grid_id],
            Several(tuple(Term("care", c) for c in r.care_flags.split(",") if c)),
            r.what,
            Term("care_rule", care_rule(r.weekday, r.every_days)),
            r.volunteer or "",
            Term("care_status", r.status),
            r.last_done,
            r.next_due,
            r.done,
            r.missed,
        ]
        for r in await care_rows(core, list(sc.grids), since=first.date(), until=last.date(), ended_since=lo)
    ]
    return rows, -1
