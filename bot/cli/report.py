"""`redvest report units --month 2026-11 [--out DIR] [--lang en]`: each paired unit's month (双报告)
as its contact gets it on the first day of the next month — the text on standard output and the
spreadsheet written to DIR (default: the current directory), one file per unit, its path printed.
Nothing is sent: the scheduled job (unit-report) does that."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.services import units
from bot.services.kernel.config import Config
from bot.services.kernel.errors import DomainError
from bot.services.kernel.languages import LANGUAGES
from bot.views.unit_reports import report_files

from .core import cli_core
from .digest import plain
from .errors import CliError


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser("report", help="the monthly report of each paired unit (双报告), with its XLSX")
    p.add_argument("kind", choices=["units"])
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month reported, e.g. 2026-11")
    p.add_argument("--out", default=".", metavar="DIR", help="where the spreadsheets go (default: here)")
    p.add_argument(
        "--lang", choices=list(LANGUAGES), help="language (default: each contact's, else bot.default_locale)"
    )
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    try:
        units.parse_month(args.month)
    except DomainError:
        raise CliError(f"--month {args.month!r} is not a month like 2026-11") from None
    out = Path(args.out)
    if not out.is_dir():
        raise CliError(f"--out {args.out}: no such directory (create it first)")
    print(asyncio.run(_run(cfg, args.month, out, args.lang)))
    return 0


async def _run(cfg: Config, month: str, out: Path, lang: str | None) -> str:
    async with cli_core(cfg) as core:
        reports = await units.unit_reports(core, month)
    if not reports:
        return "no paired units yet (an admin creates them with /newunit)"
    parts = []
    for report, language, _chat in reports:
        _lang, text, xlsx, name = report_files(report, lang or language, cfg.bot.default_locale)
        path = out / name
        path.write_bytes(xlsx)
        parts.append(f"{plain(text)}\n→ {path}")
    return "\n\n".join(parts)
