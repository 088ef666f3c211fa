"""`redvest db backup FILE` and `redvest db restore FILE`: an online copy of the database that
restores, into a fresh database, to exactly the same data; on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.cli import main
from storage import migrate
from storage.db import Database

from .conftest import PG_ADMIN
from .support.town import seed_town


async def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    out = {}
    async with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await conn.execute(text(f'SELECT * FROM "{table.name}"'))).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


async def migrated(db: Database) -> Database:
    """Mark the test's database (built from the models) as at the code's revision, as `redvest db
    upgrade` leaves a real one."""
    await asyncio.to_thread(command.stamp, migrate.alembic_config(db.url), "head")
    return db


async def cli(monkeypatch, url: str, *args: str) -> int:
    """`redvest ARGS` on the database at `url` (in a thread: the command runs its own event loop)."""
    monkeypatch.setenv("REDVEST_DATABASE_URL", url)
    return await asyncio.to_thread(main, list(args))


async def test_a_sqlite_backup_restores_into_a_fresh_file_with_the_same_data(db, tmp_path, monkeypatch, capsys):
    await seed_town(await migrated(db), volunteers=3)
    before = await snapshot(db)
    assert before["household"] and before["person"]
    backup = tmp_path / "backups" / "redvest.db"
    backup.parent.mkdir()
    assert await cli(monkeypatch, db.url, "db", "backup", str(backup)) == 0
    assert "backed up to" in capsys.readouterr().out
    fresh_url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'restored.db'}"
    assert await cli(monkeypatch, fresh_url, "db", "restore", str(backup)) == 0
    fresh = Database(fresh_url)
    try:
        assert await snapshot(fresh) == before
    finally:
        await fresh.dispose()


async def test_a_restore_over_a_used_database_leaves_exactly_the_backup(db, tmp_path, monkeypatch):
    await seed_town(await migrated(db), volunteers=1)
    before = await snapshot(db)
    assert await cli(monkeypatch, db.url, "db", "backup", str(tmp_path / "b.db")) == 0
    await seed_town(db, name="后来的社区", volunteers=2)  # written after the backup, partly still in the WAL
    assert await snapshot(db) != before
    await db.dispose()  # the bot is stopped before a restore
    assert await cli(monkeypatch, db.url, "db", "restore", str(tmp_path / "b.db")) == 0
    again = Database(db.url)
    try:
        assert await snapshot(again) == before
    finally:
        await again.dispose()


async def test_a_backup_is_taken_while_the_bot_holds_its_database_open(db, tmp_path, monkeypatch):
    await seed_town(db)
    async with db.session() as s:  # an open connection, as in a running bot
        await s.execute(text("SELECT 1"))
        assert await cli(monkeypatch, db.url, "db", "backup", str(tmp_path / "b.db")) == 0
    assert (tmp_path / "b.db").read_bytes()[:16] == b"SQLite format 3\x00"
    assert not (tmp_path / "b.db.partial").exists()


async def test_restore_refuses_what_is_not_a_backup_and_says_so(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'redvest.db'}"
    (tmp_path / "notes.txt").write_text("not a database")
    assert await cli(monkeypatch, url, "db", "restore", str(tmp_path / "notes.txt")) == 2
    assert "not a SQLite backup" in capsys.readouterr().err
    assert await cli(monkeypatch, url, "db", "restore", str(tmp_path / "missing.db")) == 2
    assert "no such file" in capsys.readouterr().err
    assert await cli(monkeypatch, url, "db", "backup") == 2
    assert "needs a FILE" in capsys.readouterr().err
    assert not (tmp_path / "redvest.db").exists()  # nothing was created by a refused restore


@pytest.mark.postgres
async def test_a_postgresql_backup_restores_into_a_fresh_database_with_the_same_data(pg, tmp_path, monkeypatch):
    await seed_town(await migrated(pg), volunteers=3)
    before = await snapshot(pg)
    backup = tmp_path / "redvest.dump"
    assert await cli(monkeypatch, pg.url, "db", "backup", str(backup)) == 0
    assert backup.read_bytes()[:5] == b"PGDMP"
    name = f"redvest_restore_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        assert await cli(monkeypatch, url, "db", "restore", str(backup)) == 0
        fresh = Database(url)
        try:
            assert await snapshot(fresh) == before
        finally:
            await fresh.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
