"""Writing an export's rows: CSV (one sheet, UTF-8 with a BOM) or XLSX (the households' visits on a
second sheet). No cell ever becomes a formula: in CSV a cell that begins like one (=, +, -, @, tab,
CR) gets a leading apostrophe; in XLSX every text is a string cell (data type "s"), which no
spreadsheet runs, so it keeps its own characters; phones are text cells (format "@")."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import IO, Any, Protocol

from .export_sheet import TEXT_COLUMNS, TIME_COLUMNS, WIDE_COLUMNS, Ledger, Row, Several, Term, Visit, ledger_columns

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int], None]  # rows written so far


class ExportLabels(Protocol):
    """How the reader names what an export holds (bot/views/exchange.export_labels)."""

    def header(self, column: str) -> str: ...

    def sheet(self, kind: str) -> str: ...

    def term(self, term: Term) -> str: ...

    def several(self, items: list[str]) -> str: ...

    def yes_no(self, value: bool) -> str: ...

    def ledger(self, visits: list[tuple[datetime | None, str, str, str]]) -> str:
        """A household's visits in one cell: (when, volunteer, outcome, problems found) each."""
        ...


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else safe_cell(value)


def _name(v: Any, labels: ExportLabels) -> Any:
    if isinstance(v, Term):
        return labels.term(v)
    if isinstance(v, Several):
        return labels.several([labels.term(i) if isinstance(i, Term) else i for i in v.items])
    if isinstance(v, bool):
        return labels.yes_no(v)
    if isinstance(v, Ledger):
        return labels.ledger([(x.when, x.volunteer, labels.term(x.outcome), _name(x.flags, labels)) for x in v.visits])
    return v


def named(row: Row, labels: ExportLabels) -> Row:
    """The row with its terms in the reader's words."""
    return [_name(v, labels) for v in row]


async def write_csv(
    out: IO[bytes], headers: list[str], rows: AsyncIterator[list[Row]], labels: ExportLabels, progress: Progress
) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")  # BOM: Excel then reads Chinese right
    writer = csv.writer(text)
    writer.writerow(headers)
    done = 0
    async for batch in rows:
        writer.writerows([[_csv_cell(v) for v in named(row, labels)] for row in batch])
        done += len(batch)
        progress(done)
    text.flush()
    text.detach()
    return done


async def write_xlsx(
    out: IO[bytes],
    kind: str,
    cols: list[str],
    contacts: bool,
    rows: AsyncIterator[list[Row]],
    labels: ExportLabels,
    progress: Progress,
) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    main = [c for c in cols if c != "visit_ledger"]
    ws = _sheet(wb, labels.sheet(kind), main, labels)
    sub: Any = None
    sub_cols = ledger_columns(contacts)
    if "visit_ledger" in cols:
        sub = _sheet(wb, labels.sheet("household_visits"), sub_cols, labels)
    # the household's number, grid (and address) begin each ledger row
    keep = [cols.index(c) for c in ("household", "grid", "address") if c in cols]
    done = 0
    async for batch in rows:
        visits = [
            [*(row[i] for i in keep), *_visit_cells(x)]
            for row in batch
            for v in row
            if isinstance(v, Ledger)
            for x in v.visits
        ]
        shown = [named([v for v in row if not isinstance(v, Ledger)], labels) for row in batch]
        # openpyxl's XML writing is slow pure Python: do it in a thread so the bot's event loop
        # (updates, webhook, other pages) keeps running during a large export
        await asyncio.to_thread(_append_rows, ws, main, shown)
        if sub is not None and visits:
            await asyncio.to_thread(_append_rows, sub, sub_cols, [named(r, labels) for r in visits])
        done += len(batch)
        progress(done)
    await asyncio.to_thread(wb.save, out)
    return done


def _sheet(wb: Any, title: str, cols: list[str], labels: ExportLabels) -> Any:
    """A sheet with its header row frozen and columns wide enough for their header and dates
    (a clerk opening it sees no ####)."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A2"
    headers = [labels.header(c) for c in cols]
    for i, (c, h) in enumerate(zip(cols, headers, strict=True), start=1):
        shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in h) + 2
        ws.column_dimensions[get_column_letter(i)].width = max(
            shown, 17 if c in TIME_COLUMNS | TEXT_COLUMNS else 24 if c in WIDE_COLUMNS else 12
        )
    ws.append(headers)
    return ws


def _visit_cells(x: Visit) -> Row:
    return [x.when, x.week, x.volunteer, x.outcome, x.flags, *([x.note] if x.note is not None else [])]


def _append_rows(ws: Any, cols: list[str], rows: list[Row]) -> None:  # ws: openpyxl's WriteOnlyWorksheet
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = [c in TEXT_COLUMNS for c in cols]
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            if isinstance(v, datetime | date) and not text[i]:
                cell = WriteOnlyCell(ws, v)
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(v, datetime) else "yyyy-mm-dd"
                cells.append(cell)
                continue
            if v is None or not (isinstance(v, str) or text[i]):
                cells.append(v)
                continue
            cell = WriteOnlyCell(ws, ILLEGAL_CHARACTERS_RE.sub("", str(v)))
            cell.data_type = "s"  # a string, even when it begins with "=": never a formula
            if text[i]:
                cell.number_format = "@"
            cells.append(cell)
        ws.append(cells)
