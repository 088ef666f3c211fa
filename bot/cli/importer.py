"""`redvest import communities|grids|households|volunteers FILE.csv` (formats: docs/import.md).

Every row is checked first; a file with any bad row imports nothing and lists every bad row
with its line number and reason (exit code 1). One transaction per file.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from bot.outbox.notifier import OutboxNotifier
from bot.services.exchange import IMPORT_KINDS as KINDS
from bot.services.exchange import ImportFailed, ImportResult, decode, import_csv, parse
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.views.exchange import import_vocabulary
from storage.db import Database
from storage.migrate import check_current

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
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    data = read_file(args.file)
    return asyncio.run(_run(cfg, args.kind, data, str(args.file)))


def read_file(path: Path) -> bytes:
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise CliError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB; split it into several files")
    try:
        return path.read_bytes()
    except OSError as e:
        raise CliError(f"{path}: cannot be read ({e.strerror})") from None


async def _run(cfg: Config, kind: str, data: bytes, source: str) -> int:
    await check_current(cfg.database.url)
    db = Database(cfg.database.url)
    try:
        core = Core(db=db, notifier=OutboxNotifier(SystemClock()), clock=SystemClock(), cfg=cfg)
        return await import_file(core, kind, data, source, Console())
    finally:
        await db.dispose()


async def import_file(core: Core, kind: str, data: bytes, source: str, console: Console) -> int:
    """Import with a progress bar and a report; 0 when everything was imported, 1 otherwise."""
    try:
        text, _ = decode(data)
    except ImportFailed as e:
        raise CliError(f"{source}: {e}") from None
    rows, _ = parse(text, kind)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{kind}: checking and importing", total=max(1, 2 * len(rows)))
        result = await import_csv(
            core,
            kind,
            data,
            vocabulary=import_vocabulary(),
            source=source,
            progress=lambda n: progress.advance(task, n),
        )
    return report(result, source, console)


def report(result: ImportResult, source: str, console: Console) -> int:
    source = escape(source)
    if result.encoding != "utf-8":
        console.print(f"note: {source} was read as {result.encoding.upper()} (not UTF-8)")
    if result.ok:
        console.print(f"[green]✓[/green] {source}: imported {result.created} {result.kind}")
        return 0
    console.print(f"[red]{source}: {len(result.errors)} row(s) rejected[/red]")
    for err in sorted(result.errors, key=lambda e: e.line):
        console.print(Text(f"  line {err.line}: {err.reason}"), soft_wrap=True)
    console.print(f"[red]✗[/red] nothing was imported from {source}: fix the rows above and run the import again")
    return 1
