"""Memory: the bot process serving the city stays small.

    .venv/bin/python bench/memory.py                   # on the city of bench/digests.py --build (PostgreSQL)

The full bot (polling, outbox sender, as in production) runs in this process on the city database
(1,000 grids, 151,000 people, 1,000,000 requests); the sandbox Bot API runs in its own process.
1,000 of the city's volunteers ask /visits, open a household's ledger (民情台账) from its button, ask
/points and /tasks, three times over (12,000 updates). Prints this process's resident memory
before and after, and its peak (VmHWM), against the 300 MB target, with the throughput on the way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from sqlalchemy import select, text

from bench.common import gather_limited, sandbox_process
from bench.digests import PG_CITY
from bench.inbound import TOKEN
from bench.inbound_run import Run
from bot.app import build_application, start_running, stop_running
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import load_config
from storage.db import Database
from storage.models import Person, VolunteerProfile


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(url: str, users: int, rounds: int) -> None:
    cfg = load_config(None, env={})
    db = Database(url, pool_size=cfg.database.pool_size)
    async with db.session() as s:  # a new sandbox numbers its updates from 1 again: forget earlier runs'
        await s.execute(text("DELETE FROM processed_update"))
        vols = [
            u
            for u in (
                await s.execute(
                    select(col(Person.tg_user_id))
                    .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                    .where(col(VolunteerProfile.status) == "approved")
                    .order_by(col(Person.id))
                    .limit(users)
                )
            ).scalars()
            if u is not None
        ]
    async with sandbox_process() as sb:
        await gather_limited(
            [sb.add_user(u, f"P{u - 10_000_000}", language_code="zh-hans", started=True) for u in vols]
        )
        cfg.telegram.token = SecretStr(TOKEN)
        cfg.telegram.base_url = f"http://127.0.0.1:{sb.port}/bot"
        cfg.database.url = url
        app = build_application(cfg, db, SystemClock(), run_scheduler=False)
        await start_running(app, polling=False)
        rss0 = status_mb("VmRSS")
        print(f"bot started on the city: resident {rss0:.0f} MB", flush=True)
        run = Run(sb, db, app, dict(residents=[], volunteers=vols, grids=[], households={}, group={}))
        t0 = time.perf_counter()
        try:
            for r in range(rounds):
                await run.phase(f"/visits (round {r + 1})", lambda: [("send", u, u, "/visits") for u in vols])
                await run.phase(
                    "ledger button",
                    lambda: [
                        ("press", u, u, b) for u in vols if (b := run.chats.button(u, "visit:ledger:", prefix=True))
                    ],
                )
                await run.phase("/points", lambda: [("send", u, u, "/points") for u in vols])
                await run.phase("/tasks", lambda: [("send", u, u, "/tasks") for u in vols])
                run.chats.msgs.clear()  # (the bench's own copy of what the bot sent: not the bot's memory)
                run.meter.order.clear()
                print(f"  resident now {status_mb('VmRSS'):.0f} MB", flush=True)
        finally:
            await stop_running(app)
            await db.dispose()
    n = sum(x[1] for x in run.results)
    busy = sum(x[2] for x in run.results)
    print(
        f"\n{n} updates from {len(vols)} volunteers in {time.perf_counter() - t0:.0f} s ({n / busy:.0f}/s while busy)"
    )
    print(
        f"bot process resident: {rss0:.0f} MB at start, {status_mb('VmRSS'):.0f} MB after, peak {status_mb('VmHWM'):.0f} MB "
        f"(target < 300 MB)"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("REDVEST_CITY_URL", PG_CITY))
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    asyncio.run(main(a.url, a.users, a.rounds))
