"""Seeded generator of a city for the scale benchmarks (DESIGN.md "Scale we design for").

Full scale: 1,000 grids (10 communities), 100,000 volunteers, 200,000 households, a year of requests
(about 1,000,000) and four weeks of door visits (about 800,000), with assignments, ratings and the
points ledger. `--scale 0.05` builds the 1/20 city that SQLite carries.

    python bench/city.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/redvest_city --scale 1
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.progress import Progress
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from bench import city_rows
from bench.city_rows import WEEK_END, Shape
from storage.db import Database

T = SQLModel.metadata.tables
BATCH = 5000


def _chunks(rows: Iterator[dict[str, Any]], n: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    buf: list[dict[str, Any]] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


async def _load(db: Database, table: str, rows: Iterator[dict[str, Any]], total: int, progress: Progress) -> None:
    task = progress.add_task(table, total=total)
    if db.is_sqlite:
        for chunk in _chunks(rows):
            async with db.engine.begin() as conn:
                await conn.execute(T[table].insert(), chunk)
            progress.advance(task, len(chunk))
        return
    # PostgreSQL: COPY (asyncpg's binary copy), far faster than INSERTs (the 5M-request city took
    # 33 minutes with INSERTs). COPY knows no Python-side column defaults, so they are filled here.
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        apg = raw.driver_connection
        assert apg is not None
        # Foreign keys are the generator's by construction: skip their per-row triggers while copying.
        await conn.execute(text("SET session_replication_role = replica"))
        for chunk in _chunks(rows, 50_000):
            defaults = _python_defaults(table, chunk[0])
            columns = list(chunk[0]) + list(defaults)
            values = tuple(defaults.values())
            await apg.copy_records_to_table(
                table, records=[tuple(r[c] for c in chunk[0]) + values for r in chunk], columns=columns
            )
            progress.advance(task, len(chunk))
        await conn.commit()


_PLAIN_INDEXES = """SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
    AND indexname NOT IN (SELECT conname FROM pg_constraint)"""


async def _drop_indexes(db: Database) -> list[str]:
    """PostgreSQL: the indexes that no constraint holds are dropped before the load and made again
    after it (one sort each instead of millions of insertions); returns their definitions."""
    async with db.engine.begin() as conn:
        found = (await conn.execute(text(_PLAIN_INDEXES))).all()
        for name, _ in found:
            await conn.execute(text(f'DROP INDEX "{name}"'))
    return [ddl for _, ddl in found]


async def _make_indexes(db: Database, ddls: list[str]) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text("SET maintenance_work_mem = '512MB'"))
        for ddl in ddls:
            await conn.execute(text(ddl))


def _python_defaults(table: str, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in T[table].columns:
        default = column.default
        if column.name in row or default is None or column.primary_key:
            continue
        arg = getattr(default, "arg", None)
        out[column.name] = arg(None) if callable(arg) else arg
    return out


async def build_city(url: str, scale: float = 1.0, seed: int = 47) -> dict[str, int]:
    rnd = random.Random(seed)
    grids = max(2, int(1000 * scale))
    communities = max(1, grids // 100)
    db = Database(url, pool_size=4)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.run_sync(SQLModel.metadata.create_all)
    indexes = [] if db.is_sqlite else await _drop_indexes(db)
    shape = Shape(grids, communities, WEEK_END + timedelta(days=7))
    counts: dict[str, int] = {}
    accepted: city_rows.Accepted = []
    with Progress() as progress:
        await _load(db, "community", city_rows.communities(shape), communities, progress)
        await _load(db, "grid", city_rows.grids(shape), grids, progress)
        await _load(db, "person", city_rows.people(shape), shape.n_vol + grids + shape.n_res, progress)
        await _load(db, "rolegrant", city_rows.leaders(shape), grids, progress)
        await _load(db, "volunteerprofile", city_rows.volunteer_profiles(shape, rnd), shape.n_vol, progress)
        await _load(db, "household", city_rows.households(shape), shape.n_hh, progress)
        await _load(db, "pairing", city_rows.pairings(shape), shape.n_hh, progress)
        await _load(db, "help_request", city_rows.requests(shape, rnd, accepted), shape.n_req, progress)
        await _load(db, "assignment", city_rows.assignments(accepted), len(accepted), progress)
        await _load(db, "rating", city_rows.ratings(accepted, rnd), len(accepted) * 7 // 10, progress)
        await _load(db, "door_visit", city_rows.visits(shape, rnd), int(shape.n_hh * 4 * 0.9), progress)
        await _load(db, "points_entry", city_rows.ledger(shape, accepted), len(accepted), progress)
    if not db.is_sqlite:
        await _make_indexes(db, indexes)
        async with db.engine.begin() as conn:
            for name in (
                "community",
                "grid",
                "person",
                "rolegrant",
                "volunteerprofile",
                "household",
                "pairing",
                "help_request",
                "assignment",
                "rating",
                "door_visit",
                "points_entry",
            ):
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                    )
                )
            await conn.execute(text("ANALYZE"))
    else:
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    async with db.engine.connect() as conn:
        for name in ("grid", "person", "household", "help_request", "door_visit", "points_entry"):
            counts[name] = int((await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar() or 0)
    await db.dispose()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=47)
    a = ap.parse_args()
    t0 = time.perf_counter()
    counts = asyncio.run(build_city(a.url, a.scale, a.seed))
    print(f"city built in {time.perf_counter() - t0:.1f}s: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
