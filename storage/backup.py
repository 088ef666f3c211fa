"""Online backups and restores of the bot's database.

SQLite: the backup API copies a consistent snapshot page by page while the bot keeps writing
(a plain file copy during a write can be torn). PostgreSQL: `pg_dump --format=custom` (one
consistent snapshot, any size) and `pg_restore --clean --if-exists` into the configured database.
Both are blocking calls: run them off the event loop.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from .sqlite_inline import sqlite_path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be made: one line that says why and what to do."""


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to `target` (replaced if it exists)."""
    if url.startswith("sqlite"):
        source = Path(sqlite_path(url))
        if not source.is_file():
            raise BackupError(f"{source}: no such database file (check database.url)")
        _sqlite_copy(str(source), target)
    else:
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={_libpq(url)}")


def restore(url: str, source: Path) -> None:
    """Replace the contents of the database at `url` with the backup `source`. Stop the bot first."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    head = source.read_bytes()[:16]
    if url.startswith("sqlite"):
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source}: not a SQLite backup (was it made from PostgreSQL? use pg_restore)")
        target = Path(sqlite_path(url))
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_pages(str(source), str(target))
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source}: not a PostgreSQL backup made by `redvest db backup` (pg_dump -Fc)")
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq(url)}",
            str(source),
        )


def _sqlite_copy(source: str, target: Path) -> None:
    """A new backup file: written beside the target first, so a failed backup never leaves half a
    file behind."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _sqlite_pages(source, str(partial))
        partial.replace(target)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise


def _sqlite_pages(source: str, target: str) -> None:
    """Copy every page through SQLite itself: a live writer's WAL is read consistently, and a
    restore over an existing database replaces its pages (and WAL) in one transaction."""
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as e:
        raise BackupError(f"{source}: {e}") from None


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (postgresql+asyncpg:// → postgresql://)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg(tool: str, *args: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(
            f"{tool} not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client)"
        )
    done = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{tool} failed: {lines[-1] if lines else f'exit code {done.returncode}'}")
