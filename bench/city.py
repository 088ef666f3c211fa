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
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.progress import Progress
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import Database

T = SQLModel.metadata.tables
WEEK_END = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday 2026-W47 starts here (UTC, close enough)
CATEGORIES = ["micro_wish", "elder_care", "repairs", "errands", "health", "paperwork", "moving", "other"]
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
    for chunk in _chunks(rows):
        async with db.engine.begin() as conn:
            await conn.execute(T[table].insert(), chunk)
        progress.advance(task, len(chunk))


def iso_week(d: datetime) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


async def build_city(url: str, scale: float = 1.0, seed: int = 47) -> dict[str, int]:
    rnd = random.Random(seed)
    grids = max(2, int(1000 * scale))
    communities = max(1, grids // 100)
    vols_per_grid, hh_per_grid = 100, 200
    req_per_grid = 1000  # a year
    db = Database(url, pool_size=4)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.run_sync(SQLModel.metadata.create_all)
    now = WEEK_END + timedelta(days=7)
    counts: dict[str, int] = {}
    with Progress() as progress:
        await _load(
            db,
            "community",
            (
                {"id": c + 1, "name": f"社区{c + 1}", "timezone": "Asia/Shanghai", "created_at": now}
                for c in range(communities)
            ),
            communities,
            progress,
        )
        await _load(
            db,
            "grid",
            (
                {"id": g + 1, "community_id": g % communities + 1, "name": f"网格{g + 1}", "created_at": now}
                for g in range(grids)
            ),
            grids,
            progress,
        )
        n_vol, n_res = grids * vols_per_grid, grids * 50
        leader_base, res_base = n_vol, n_vol + grids

        def people() -> Iterator[dict[str, Any]]:
            for i in range(n_vol + grids + n_res):
                grid = (i % grids) + 1 if i < n_vol else (i - n_vol) % grids + 1
                yield {
                    "id": i + 1,
                    "tg_user_id": 10_000_000 + i,
                    "name": f"P{i}",
                    "grid_id": grid,
                    "language": "zh-hans",
                    "phone": f"139{i:08d}",
                    "is_superadmin": False,
                    "blocked_bot": False,
                    "created_at": now,
                }

        await _load(db, "person", people(), n_vol + grids + n_res, progress)
        await _load(
            db,
            "rolegrant",
            (
                {"id": g + 1, "person_id": leader_base + g + 1, "role": "leader", "grid_id": g + 1, "created_at": now}
                for g in range(grids)
            ),
            grids,
            progress,
        )
        statuses = ["approved"] * 95 + ["pending"] * 5
        await _load(
            db,
            "volunteerprofile",
            (
                {
                    "id": i + 1,
                    "person_id": i + 1,
                    "grid_id": i % grids + 1,
                    "status": rnd.choice(statuses),
                    "skills": "elder_care,repairs",
                    "shock_team": i % 10 == 0,
                    "created_at": now,
                }
                for i in range(n_vol)
            ),
            n_vol,
            progress,
        )
        n_hh = grids * hh_per_grid
        await _load(
            db,
            "household",
            (
                {
                    "id": h + 1,
                    "grid_id": h % grids + 1,
                    "address": f"路{h}号",
                    "members": "",
                    "member_count": 2,
                    "care_flags": "elderly_alone" if h % 4 == 0 else "",
                    "created_at": now,
                }
                for h in range(n_hh)
            ),
            n_hh,
            progress,
        )
        # each volunteer looks after two households of their grid
        await _load(
            db,
            "pairing",
            (
                {
                    "id": h + 1,
                    "volunteer_id": ((h // grids) % vols_per_grid) * grids + h % grids + 1,
                    "household_id": h + 1,
                    "active": True,
                    "created_at": now,
                }
                for h in range(n_hh)
            ),
            n_hh,
            progress,
        )
        n_req = grids * req_per_grid
        accepted: list[tuple[int, int, int, datetime]] = []

        def requests() -> Iterator[dict[str, Any]]:
            for r in range(n_req):
                grid = r % grids + 1
                created = WEEK_END + timedelta(days=7) - timedelta(seconds=rnd.randrange(365 * 86400))
                roll = rnd.random()
                status = (
                    "completed"
                    if roll < 0.8
                    else "open"
                    if roll < 0.85
                    else "cancelled"
                    if roll < 0.9
                    else "done_reported"
                    if roll < 0.95
                    else "out_of_scope"
                )
                acc = (
                    created + timedelta(minutes=rnd.randrange(5, 240))
                    if status in ("completed", "done_reported")
                    else None
                )
                done = acc + timedelta(hours=rnd.randrange(1, 48)) if acc else None
                vol = (rnd.randrange(vols_per_grid)) * grids + grid
                if done is not None:  # accepted (done is set exactly then)
                    accepted.append((r + 1, vol, grid, done))
                yield {
                    "id": r + 1,
                    "code": f"A-{r + 1:07d}",
                    "grid_id": grid,
                    "resident_id": res_base + rnd.randrange(n_res) + 1,
                    "household_id": rnd.randrange(n_hh) + 1,
                    "source": "resident",
                    "category": rnd.choice(CATEGORIES),
                    "summary": "帮忙买菜",
                    "when_kind": "today",
                    "address": "路1号",
                    "phone": "13900000000",
                    "slots": 1,
                    "slots_taken": 1 if acc else 0,
                    "status": status,
                    "escalation_level": 0,
                    "created_at": created,
                    "first_accepted_at": acc,
                    "done_at": done,
                    "closed_at": done if status == "completed" else None,
                }

        await _load(db, "help_request", requests(), n_req, progress)
        await _load(
            db,
            "assignment",
            (
                {
                    "id": i + 1,
                    "request_id": rid,
                    "volunteer_id": vol,
                    "status": "done",
                    "created_at": done - timedelta(hours=1),
                    "done_at": done,
                    "hours": 1.5,
                }
                for i, (rid, vol, _g, done) in enumerate(accepted)
            ),
            len(accepted),
            progress,
        )
        await _load(
            db,
            "rating",
            (
                {
                    "id": i + 1,
                    "request_id": rid,
                    "outcome": "done",
                    "stars": rnd.choice([3, 4, 5, 5, 5]),
                    "confirmed_by_leader": False,
                    "created_at": done,
                }
                for i, (rid, _v, _g, done) in enumerate(accepted)
                if i % 10 < 7
            ),
            len(accepted) * 7 // 10,
            progress,
        )
        weeks = [iso_week(WEEK_END - timedelta(days=7 * k)) for k in range(4)]

        def visits() -> Iterator[dict[str, Any]]:
            vid = 0
            for k, week in enumerate(weeks):
                for h in range(n_hh):
                    if rnd.random() < 0.9:  # some doors stay unvisited
                        vid += 1
                        grid = h % grids + 1
                        yield {
                            "id": vid,
                            "household_id": h + 1,
                            "grid_id": grid,
                            "volunteer_id": ((h // grids) % vols_per_grid) * grids + grid,
                            "week": week,
                            "outcome": rnd.choice(["met", "met", "met", "not_home", "needs_help"]),
                            "note": "",
                            "red_flags": "",
                            "created_at": WEEK_END - timedelta(days=7 * k - 4),
                        }

        await _load(db, "door_visit", visits(), int(n_hh * 4 * 0.9), progress)

        def ledger() -> Iterator[dict[str, Any]]:
            pid = 0
            for rid, vol, grid, done in accepted:
                pid += 1
                yield {
                    "id": pid,
                    "ref": f"task:{rid}:{vol}",
                    "person_id": vol,
                    "grid_id": grid,
                    "community_id": (grid - 1) % communities + 1,
                    "reason": "task",
                    "points": 13,
                    "hours": 1.5,
                    "created_at": done,
                }

        await _load(db, "points_entry", ledger(), len(accepted), progress)
    if not db.is_sqlite:
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
