"""`redvest db upgrade|current|backup FILE|restore FILE`: schema migrations and backups."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.services.kernel.config import Config
from storage import migrate
from storage.backup import BackupError, backup, restore

from .errors import CliError


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser(
        "db",
        help="database: upgrade, current, backup, restore",
        description="The database's schema and its backups. A backup is an online, consistent copy: "
        "SQLite's backup API, or pg_dump's custom format on PostgreSQL; the bot may keep running.",
    )
    p.add_argument("action", choices=["upgrade", "current", "backup", "restore"])
    p.add_argument("file", nargs="?", type=Path, help="the backup file (backup and restore)")
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    url = cfg.database.url
    if args.action in ("backup", "restore"):
        if args.file is None:
            raise CliError(f"db {args.action} needs a FILE, e.g. redvest db {args.action} redvest-backup.db")
        return _backup(url, args.action, args.file)
    if args.action == "upgrade":
        migrate.upgrade(url)
        print(f"database is at revision {migrate.head_revision()}")
        return 0
    current = asyncio.run(migrate.current_revision(url))
    head = migrate.head_revision()
    print(f"database revision: {current or '(empty)'}; code needs: {head}")
    return 0 if current == head else 1


def _backup(url: str, action: str, file: Path) -> int:
    try:
        if action == "backup":
            backup(url, file)
            print(f"backed up to {file} ({file.stat().st_size // 1024} KiB)")
            return 0
        restore(url, file)
    except BackupError as e:
        raise CliError(str(e)) from None
    current = asyncio.run(migrate.current_revision(url))
    print(f"restored from {file}; database revision: {current or '(empty)'}")
    if current != migrate.head_revision():
        print("the backup is from another version of redvest: run `redvest db upgrade` before starting the bot")
        return 1
    return 0
