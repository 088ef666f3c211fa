"""Statements and CPU per call of the hot services, on a seeded database: `.venv/bin/python bench/services.py [--db sqlite|postgres|both] [-n 300] [--only my_points,...] [--trace]`

Calls the services directly (no Telegram, no gate). Statements are counted with a
`before_cursor_execute` event; CPU is this process's `time.process_time` (on SQLite that includes
the database itself, on PostgreSQL it does not: the server is another process). The rating phases
use the requests confirmed by the phase before them: with --only, name confirm_outcome too.
task_view (the Done button) and report_done use filled requests seeded with one accepted assignment.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from bench.common import fresh_pg_database
from bench.services_seed import START, seed
from bot.outbox.notifier import OutboxNotifier
from bot.services import requests, visits
from bot.services import requests as ratings
from bot.services import requests as tasks
from bot.services.kernel import roles as people
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.config import load_config
from bot.services.kernel.core import Core
from bot.services.points import standing as points
from storage.db import Database

PG_NAME = "redvest_bench_services"


def actor(tg: int) -> people.Actor:
    return people.Actor(tg, f"user {tg}", None, "zh-hans")


def phases(core: Core, clock: FakeClock, w: dict[str, Any]) -> dict[str, Callable[[int], Awaitable[Any]]]:
    vols, res, rate, done = w["vols"], w["res"], w["rate"], w["done"]

    def vol(i: int) -> tuple[int, int, int]:
        v: tuple[int, int, int] = vols[i % len(vols)]
        return v

    async def ensure(i: int) -> None:
        async with core.db.session() as s:
            await people.ensure_person(s, actor(vol(i)[0]))

    async def check_can_log(i: int) -> None:
        tg, pid, _ = vol(i)
        await visits.check_can_log(core, actor(tg), pid)

    async def record_visit(i: int) -> None:
        if i and i % len(vols) == 0:
            clock.advance(days=7)
        tg, pid, _ = vol(i)
        await visits.record_visit(core, actor(tg), pid, "met")

    async def create_request(i: int) -> None:
        tg, _, g = res[i % len(res)]
        await requests.create_request(
            core,
            actor(tg),
            requests.RequestDraft("errands", f"帮忙买菜 {i}", "today", None, f"幸福里 {i} 号", "13800138000"),
            grid_id=g,
        )

    return {
        "ensure_person": ensure,
        "role_summary(/help)": lambda i: people.role_summary(core, actor((vols + res)[i % (len(vols) + len(res))][0])),
        "my_points": lambda i: points.my_points(core, actor(vol(i)[0])),
        "my_households(/visits)": lambda i: visits.my_households(core, actor(vol(i)[0])),
        "my_tasks(/tasks)": lambda i: tasks.my_tasks(core, actor(vol(i)[0])),
        "check_can_log": check_can_log,
        "record_visit": record_visit,
        "begin_request": lambda i: requests.begin_request(core, actor(res[i % len(res)][0])),
        "check_date": lambda i: requests.check_date(core, res[i % len(res)][2], "12-01"),
        "create_request": create_request,
        "my_requests": lambda i: requests.my_requests(core, actor(res[i % len(res)][0])),
        "task_view(done button)": lambda i: tasks.task_view(core, actor(done[i][0]), done[i][1]),
        "report_done": lambda i: tasks.report_done(core, actor(done[i][0]), done[i][1], "1.5", "买好了，放在门口"),
        "confirm_outcome": lambda i: ratings.confirm_outcome(core, actor(rate[i][0]), rate[i][1], "done"),
        "rate_request": lambda i: ratings.rate_request(core, actor(rate[i][0]), rate[i][1], 5),
        "comment_rating": lambda i: ratings.comment_rating(core, actor(rate[i][0]), rate[i][1], "谢谢你"),
    }


async def run(kind: str, n: int, warm: int, only: set[str] | None, tracing: int = 0) -> dict[str, tuple[float, float]]:
    if kind == "postgres":
        db = Database(await fresh_pg_database(PG_NAME))
    else:
        tmp = tempfile.mkdtemp(prefix="redvest-bench-")
        db = Database(f"sqlite+aiosqlite:///{tmp}/services.db")
    clock = FakeClock(START)
    cfg = load_config(None, env={})
    core = Core(db=db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    world = await seed(db, n + warm)
    count, trace = [0], [False]

    def on_exec(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        count[0] += 1
        if trace[0]:
            print("    " + " ".join(statement.split())[:160])

    event.listen(db.engine.sync_engine, "before_cursor_execute", on_exec)
    out: dict[str, tuple[float, float]] = {}
    for name, call in phases(core, clock, world).items():
        if only and name.split("(")[0] not in only:
            continue
        for i in range(warm):
            await call(i)
        if tracing:
            trace[0] = True
            await call(warm)
            trace[0] = False
        count[0] = 0
        t0 = time.process_time()
        for i in range(warm + tracing, warm + n):
            await call(i)
        cpu = time.process_time() - t0
        calls = n - tracing
        out[name] = (count[0] / calls, cpu / calls * 1000)
        print(f"{kind:8} {name:24} {count[0] / calls:5.1f} stmts  {cpu / calls * 1000:6.2f} ms CPU/call", flush=True)
    await db.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("-n", type=int, default=300, help="timed calls per service")
    ap.add_argument("--warm", type=int, default=30)
    ap.add_argument("--only", default="", help="comma-separated service names")
    ap.add_argument("--trace", action="store_true", help="print the statements of one call of each")
    a = ap.parse_args()
    only = set(a.only.split(",")) if a.only else None
    for kind in ["sqlite", "postgres"] if a.db == "both" else [a.db]:
        asyncio.run(run(kind, a.n, a.warm, only, int(a.trace)))


if __name__ == "__main__":
    main()
