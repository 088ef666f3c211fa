"""Schema migrations through Alembic: upgrade, and "is this database current?"."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


class NeedsMigration(Exception):
    """The database schema is not at the code's revision."""


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations (blocking; runs its own event loop, so call it off the loop)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str) -> None:
    await asyncio.to_thread(upgrade, url)


async def current_revision(url: str) -> str | None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_revision)
    finally:
        await engine.dispose()


def _revision(conn: Connection) -> str | None:
    # a read, not a migration: alembic's "Context impl SQLiteImpl" lines would only be noise
    quiet = logging.getLogger("alembic.runtime.migration")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        return MigrationContext.configure(conn).get_current_revision()
    finally:
        quiet.setLevel(level)


async def check_current(url: str) -> None:
    current, head = await current_revision(url), head_revision()
    if current != head:
        state = "is empty" if current is None else f"is at revision {current}, the code needs {head}"
        raise NeedsMigration(f"the database {state}: run `redvest db upgrade` first")
