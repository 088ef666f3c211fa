"""City-scale weekly digests: all grid digests of one week, timed, with peak memory.

    createdb -h 127.0.0.1 -U postgres redvest_city                      # once
    .venv/bin/python bench/digests.py --build                            # build the full city (~5 min), then time
    .venv/bin/python bench/digests.py                                    # reuse the city built before
    .venv/bin/python bench/digests.py --sqlite /tmp/city20.db --scale 0.05 --build   # the 1/20 city on SQLite

The city comes from bench/city.py (seeded: 1,000 grids, 100,000 volunteers, 200,000 households,
~1,000,000 requests, ~720,000 door visits). The real digest service computes every grid's figures
for ISO week 2026-W47 (`bot.services.digests.weekly.grid_digests`). Each run is timed on its own; peak
memory is measured in a second run under tracemalloc (Python allocations of the computation), and
the process's peak resident size (ru_maxrss) is printed as well.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench.city import build_city
from bot.outbox.notifier import OutboxNotifier
from bot.services.digests import city_week
from bot.services.digests.weekly import grid_digests
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.config import load_config
from bot.services.kernel.core import Core
from storage.db import Database
from storage.models import Grid

PG_CITY = os.environ.get("REDVEST_CITY_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/redvest_city")
WEEK = "2026-W47"
MONDAY_AFTER = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def city_core(url: str) -> Core:
    cfg = load_config(None, env={})
    cfg.database.url = url
    clock = FakeClock(MONDAY_AFTER)
    return Core(db=Database(url), notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)


async def as_the_job_does(core: Core) -> float:
    """The figures as the weekly job computes them (bot/jobs/digest.py): every grid's and every
    community's digest of the week at once (bot.services.digests.city_week), charts and sending left out."""
    t0 = time.perf_counter()
    await city_week(core, WEEK)
    return time.perf_counter() - t0


async def run(url: str, repeats: int) -> None:
    core = city_core(url)
    async with core.db.session() as s:
        grid_ids = [
            g for g in (await s.execute(select(col(Grid.id)).order_by(col(Grid.id)))).scalars() if g is not None
        ]
    rss0 = rss_mb()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        digests = await grid_digests(core, grid_ids, WEEK)
        times.append(time.perf_counter() - t0)
    rss1 = rss_mb()
    tracemalloc.start()
    digests = await grid_digests(core, grid_ids, WEEK)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    job = await as_the_job_does(core)
    await core.db.dispose()
    f = [d.figures for d in digests]
    print(f"{'PostgreSQL' if 'postgresql' in url else 'SQLite'}: {len(digests)} grid digests for {WEEK}")
    print(
        f"  all grids at once: median {statistics.median(times):.2f} s, best {min(times):.2f} s, "
        f"worst {max(times):.2f} s over {repeats} runs (issue 19 point 8: < 5 s for 5,000 grids)"
    )
    print(
        f"  peak memory of the computation (tracemalloc): {peak / 2**20:.1f} MB (target < 500 MB); process peak "
        f"resident {rss1:.0f} MB (before the first run {rss0:.0f} MB)"
    )
    print(f"  the weekly job's way (every grid's and community's digest, figures only): {job:.2f} s")
    print(
        f"  sanity: requests opened {sum(x.opened for x in f):,}, done {sum(x.done for x in f):,}, "
        f"door visits {sum(x.visits_done for x in f):,} of {sum(x.visits_planned for x in f):,} planned"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=PG_CITY, help="the city's database (default: PostgreSQL redvest_city)")
    ap.add_argument("--sqlite", help="use this SQLite file instead of --url")
    ap.add_argument("--build", action="store_true", help="(re)build the city first with bench/city.py")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    url = f"sqlite+aiosqlite:///{a.sqlite}" if a.sqlite else a.url
    if a.build:
        t0 = time.perf_counter()
        counts = asyncio.run(build_city(url, a.scale))
        print(f"city built in {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
    asyncio.run(run(url, a.repeats))


if __name__ == "__main__":
    main()
