"""CSV import of communities, grids, households and volunteers (`redvest import KIND FILE.csv`).

All or nothing: every row is checked first (against the file itself and the database); if any
row is bad, nothing is written and every bad row is reported with its line number and reason.
Reasons are facts (a catalog key and its values, worded by bot/views/exchange in the reader's
language) and never repeat addresses or phone numbers. Excel files are welcome: UTF-8 with a BOM,
or GB18030 (what Excel on Chinese Windows writes), and Chinese column names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.services.kernel.core import Core
from storage import audit

from .import_checker import Checker, ImportVocabulary, RowProblem
from .import_rows import KINDS

Progress = Callable[[int], None]


class ImportFailed(RowProblem):
    """A file that cannot be read at all (not a row problem)."""


@dataclass
class RowError:
    """Line `line` of the file is refused: `problem` says why."""

    line: int
    problem: RowProblem


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0  # existing records a row named (households: put into the building of the row)
    encoding: str = "utf-8"
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


XLSX = "xlsx"


def decode(data: bytes) -> tuple[str, str]:
    """Text of the file (line ends made \\n) and the encoding used: UTF-8 (with or without BOM), else
    GB18030; an Excel workbook (an export, edited) is read from its first sheet as CSV text."""
    if data[:4] == b"PK\x03\x04":
        return _sheet_text(data), XLSX
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n"), "utf-8" if encoding == "utf-8-sig" else encoding
    raise ImportFailed("import.failed.encoding")


def _sheet_text(data: bytes) -> str:
    """The first sheet of a workbook as CSV (a row a line; times as the CSV export writes them)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook after all (a zip of something else, or damaged)
        raise ImportFailed("import.failed.workbook") from None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in wb.worksheets[0].iter_rows(values_only=True):
        writer.writerow(
            ["" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row]
        )
    wb.close()
    return out.getvalue()


def parse(
    text: str, kind: str, exported: dict[str, str] | None = None
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """Rows as (line number, {canonical column: value}); header problems as errors at line 1.
    `exported`: an export's headers (lower case) -> columns (ImportVocabulary.headers)."""
    spec = KINDS[kind]
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, RowProblem("import.problem.empty", columns=", ".join(spec.columns)))]
    except csv.Error as e:
        return [], [RowError(1, RowProblem("import.problem.bad_header", detail=str(e)[:100]))]
    columns: list[str | None] = []
    errors: list[RowError] = []
    for name in header:
        canonical = spec.column(name, exported)
        if canonical is None and name.strip():
            problem = RowProblem(
                "import.problem.unknown_column", name=name.strip()[:40], columns=", ".join(spec.columns)
            )
            errors.append(RowError(1, problem))
        if canonical is not None and canonical in columns:
            errors.append(RowError(1, RowProblem("import.problem.column_twice", column=canonical)))
        columns.append(canonical)
    missing = [c for c in spec.required_with(columns) if c not in columns]
    if missing:
        errors.append(RowError(1, RowProblem("import.problem.missing_columns", columns=", ".join(missing))))
    if errors:
        return [], errors
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in record):
                continue  # blank lines are fine (Excel leaves them)
            if len(record) > len(columns) and any(v.strip() for v in record[len(columns) :]):
                problem = RowProblem("import.problem.too_many_values", values=len(record), columns=len(columns))
                errors.append(RowError(start, problem))
                continue
            values = {
                c: (record[i].strip() if i < len(record) else "")
                for i, c in enumerate(columns)
                if c and c not in spec.read_only
            }
            rows.append((start, values))
    except csv.Error as e:
        errors.append(RowError(line + 1, RowProblem("import.problem.unreadable", detail=str(e)[:100])))
    return rows, errors


async def import_csv(
    core: Core,
    kind: str,
    data: bytes,
    *,
    vocabulary: ImportVocabulary,
    source: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then (only if all are good) write them all in one transaction.
    `vocabulary`: the words the file may use for values (bot/views/exchange.import_vocabulary)."""
    if kind not in KINDS:
        raise ImportFailed("import.failed.kind", kind=kind[:30], kinds=", ".join(KINDS))
    text, encoding = decode(data)
    rows, errors = parse(text, kind, vocabulary.headers)
    result = ImportResult(kind=kind, rows=len(rows), encoding=encoding, errors=errors)
    if any(e.line == 1 for e in errors):
        return result  # the header is wrong: the rows cannot be read
    if not rows and not errors:
        result.errors.append(RowError(2, RowProblem("import.problem.no_rows")))
        return result
    tick = progress or (lambda n: None)
    async with core.db.session() as s:
        checker: Checker = KINDS[kind].checker(s, core, vocabulary)
        checked: list[tuple[int, Any]] = []
        for line, values in rows:
            try:
                checked.append((line, await checker.check(values)))
            except RowProblem as e:
                result.errors.append(RowError(line, e))
            tick(1)
        if result.errors:
            result.errors.sort(key=lambda e: e.line)
            return result  # nothing written: the session has only read
        for _line, item in checked:
            if await checker.write(item) is False:
                result.updated += 1
            tick(1)
        result.created = len(checked) - result.updated
        await audit.record(s, None, f"import.{kind}", "import", None, source=source[-200:], rows=len(checked))
    return result
