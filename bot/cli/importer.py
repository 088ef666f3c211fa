"""`redvest import communities|grids|households|volunteers FILE.csv` (formats: docs/import.md).

Every row is checked first; a file with any bad row imports nothing and lists every bad row
with its line number and reason, in `--lang` (default bot.default_locale), saying what to do
(exit code 1). One transaction per file.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from bot.services.exchange import IMPORT_KINDS as KINDS
from bot.services.exchange import ImportFailed, ImportResult, decode, import_csv, parse
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.services.kernel.languages import LANGUAGES, pick_locale
from bot.views.exchange import import_problem, import_progress, import_report, import_vocabulary

from .core import cli_core
from .errors import CliError

MAX_BYTES = 200 * 1024 * 1024


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser(
        "import",
        help="import communities, grids, households or volunteers from a CSV file",
        description="Import a CSV file (UTF-8, Excel's CSV UTF-8 or GB18030). Nothing is imported "
        "if any row is bad; every bad row is listed. Formats: docs/import.md",
    )
    p.add_argument("kind", choices=list(KINDS), help="what the file holds")
    p.add_argument("file", type=Path, help="the CSV file")
    p.add_argument("--lang", default=None, help="language of the report: zh-CN or en (default: bot.default_locale)")
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    lang = pick_locale(args.lang, "") if args.lang else cfg.bot.default_locale
    if not lang:
        raise CliError(f"--lang must be one of {', '.join(LANGUAGES)}")
    data = read_file(args.file)
    readable(data, str(args.file), lang)  # a file that is not text is told before the database is opened
    return asyncio.run(_run(cfg, args.kind, data, str(args.file), lang))


def read_file(path: Path) -> bytes:
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise CliError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB; split it into several files")
    try:
        return path.read_bytes()
    except OSError as e:
        raise CliError(f"{path}: cannot be read ({e.strerror})") from None


def readable(data: bytes, source: str, lang: str) -> str:
    """The file's text, or the one line that says how to save it as text."""
    try:
        return decode(data)[0]
    except ImportFailed as e:
        raise CliError(f"{source}: {import_problem(lang, e)}") from None


async def _run(cfg: Config, kind: str, data: bytes, source: str, lang: str) -> int:
    async with cli_core(cfg) as core:
        return await import_file(core, kind, data, source, Console(), lang)


async def import_file(core: Core, kind: str, data: bytes, source: str, console: Console, lang: str) -> int:
    """Import with a progress bar and a report in `lang`; 0 when everything was imported, 1 otherwise."""
    rows, _ = parse(readable(data, source, lang), kind, import_vocabulary().headers)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(import_progress(lang, kind), total=max(1, 2 * len(rows)))
        result = await import_csv(
            core,
            kind,
            data,
            vocabulary=import_vocabulary(),
            source=source,
            progress=lambda n: progress.advance(task, n),
        )
    return report(result, source, console, lang)


def report(result: ImportResult, source: str, console: Console, lang: str) -> int:
    """Print the report (plain text: a file's names are never read as markup)."""
    *lines, last = import_report(lang, result, source)
    for line in lines:
        console.print(Text(line), soft_wrap=True)
    console.print(Text(last, style="green" if result.ok else "red"), soft_wrap=True)
    return 0 if result.ok else 1
