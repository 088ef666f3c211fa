"""`redvest export requests|visits|points|hours|volunteers|households|events --from D --to D
[--grid X|--community Y] --format csv|xlsx --out FILE [--lang en] [--with-contacts]`: the
dashboard's exports from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.services.exchange import FORMATS, KINDS, ExportRequest, check_request, operator_scope, write_export
from bot.services.kernel.config import Config
from bot.services.kernel.errors import DomainError
from bot.services.kernel.languages import LANGUAGES, pick_locale
from bot.views.exchange import export_done, export_labels, export_progress, export_refused

from .core import cli_core
from .errors import CliError


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a date like 2026-11-30") from None


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser(
        "export", help="export requests, visits, points, hours, volunteers, households or events as CSV or XLSX"
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--from", dest="start", type=_day, required=True, metavar="DATE", help="first day, e.g. 2026-11-01")
    p.add_argument("--to", dest="end", type=_day, required=True, metavar="DATE", help="last day (inclusive)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--grid", help="one grid: its id or exact name")
    where.add_argument("--community", help="one community: its id or exact name")
    p.add_argument("--format", choices=FORMATS, help="default: from the --out file's extension, else csv")
    p.add_argument("--out", required=True, metavar="FILE", help="where to write ('-' for standard output, CSV only)")
    p.add_argument("--lang", default=None, help="column headers: zh-CN or en (default: bot.default_locale)")
    p.add_argument(
        "--with-contacts", action="store_true", help="include addresses, phones, household members and notes"
    )
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out != "-" else "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    if args.out == "-" and fmt != "csv":
        raise CliError("XLSX cannot go to standard output: give --out FILE.xlsx")
    lang = pick_locale(args.lang, "") if args.lang else cfg.bot.default_locale
    if not lang:
        raise CliError(f"--lang must be one of {', '.join(LANGUAGES)}")
    req = ExportRequest(args.kind, args.start, args.end, fmt, lang)
    return asyncio.run(_export(cfg, req, args))


async def _export(cfg: Config, req: ExportRequest, args: argparse.Namespace) -> int:
    async with cli_core(cfg) as core:
        try:
            check_request(req.kind, req.start, req.end, req.fmt)
            scope = await operator_scope(core, args.grid, args.community, args.with_contacts)
            if args.out == "-":
                await write_export(core, req, scope, sys.stdout.buffer, export_labels(req.lang))
                return 0
            out = Path(args.out)
            tmp = out.with_name(out.name + ".part")  # never leave half a file under the real name
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            ) as bar:
                task = bar.add_task(export_progress(req.lang, req.kind), total=None)
                with tmp.open("wb") as fh:
                    n = await write_export(
                        core,
                        req,
                        scope,
                        fh,
                        export_labels(req.lang),
                        progress=lambda done, total: bar.update(task, completed=done, total=total),
                    )
            tmp.replace(out)
            print(export_done(req.lang, n, str(out)))
            return 0
        except DomainError as e:
            raise CliError(export_refused(req.lang, e)) from None
        except OSError as e:
            raise CliError(f"cannot write {args.out}: {e.strerror}") from None
