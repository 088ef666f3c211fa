"""双报告: a unit's month as its contact reads it — a short text (the caption) and the spreadsheet
(XLSX) with a row per member. Text cells are string cells: a name that begins with "=" never
becomes a formula."""

from __future__ import annotations

import io
from typing import Any

from bot.i18n import pick_locale, t, tp
from bot.services.units import UnitReport, UnitReportReady
from bot.views.message import OutMessage
from bot.views.people.labels import status_text
from bot.views.render import renders

SHOWN = 8  # members named in the text (the caption of the file: Telegram keeps 1 024 characters)
COLUMNS = ("member", "community", "grid", "status", "tasks", "hours", "points", "rated", "stars")


def _stars(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _hours(value: float) -> str:
    return f"{value:g}"


def report_text(lang: str, r: UnitReport) -> str:
    lines = [
        t(lang, "units.report_head", unit=r.unit, month=r.month),
        t(
            lang,
            "units.report_totals",
            n=len(r.members),
            tasks=r.tasks_done,
            hours=_hours(r.hours),
            points=r.points,
            rated=r.rated,
            stars=_stars(r.stars),
        ),
    ]
    for m in r.members[:SHOWN]:
        lines.append(
            t(lang, "units.report_member", name=m.name, tasks=m.tasks_done, hours=_hours(m.hours), points=m.points)
        )
    if len(r.members) > SHOWN:
        lines.append(t(lang, "units.report_more", n=len(r.members) - SHOWN))
    if not r.members:
        lines.append(t(lang, "units.report_nobody"))
    lines.append(t(lang, "units.report_file"))
    return "\n".join(lines)


def filename(r: UnitReport) -> str:
    return f"unit-{r.unit_id}-{r.month}.xlsx"


def report_xlsx(lang: str, r: UnitReport) -> bytes:
    """The spreadsheet: a row per member, then the unit's totals."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws: Any = wb.active
    ws.title = r.month
    ws.append([None])
    title = ws.cell(row=1, column=1)
    title.value = ILLEGAL_CHARACTERS_RE.sub("", tp(lang, "units.report_title", unit=r.unit, month=r.month))
    title.data_type = "s"
    ws.append([tp(lang, f"units.col.{c}") for c in COLUMNS])
    rows: list[list[Any]] = [
        [m.name, m.community, m.grid, status_text(lang, m.status), m.tasks_done, m.hours, m.points, m.rated, m.stars]
        for m in r.members
    ]
    rows.append([tp(lang, "units.col.total"), "", "", "", r.tasks_done, r.hours, r.points, r.rated, r.stars])
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
                cell.data_type = "s"  # a string, even when it begins with "=": never a formula
    for i in range(1, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 16 if i <= 4 else 11
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_files(r: UnitReport, language: str | None, default_locale: str) -> tuple[str, str, bytes, str]:
    """For `redvest report units`: (the language, the text, the spreadsheet, its file name), as the
    contact receives them (their language, else the installation's)."""
    lang = pick_locale(language, default_locale)
    return lang, report_text(lang, r), report_xlsx(lang, r), filename(r)


@renders(UnitReportReady)
def unit_report_ready(n: UnitReportReady, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=report_text(lang, n.report),
        document=report_xlsx(lang, n.report),
        filename=filename(n.report),
    )
