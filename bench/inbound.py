"""Inbound throughput: the full bot against a bare PTB echo bot, measured in the same invocation.

    .venv/bin/python bench/inbound.py                    # echo, full bot on SQLite and on PostgreSQL
    .venv/bin/python bench/inbound.py --db sqlite        # one database only
    .venv/bin/python bench/inbound.py --users 200        # a quicker, smaller run
    .venv/bin/python bench/inbound.py --paced-only --rate 100   # only the open-loop phase, at 100/s
    .venv/bin/python bench/inbound.py --quick --json     # under 3 minutes; one JSON object of the figures

The sandbox Bot API runs in its own process with `--no-limits`. 1,000 sandbox users (half
residents, half volunteers, in grids of 10 + 10 with a bound volunteer group each) go through a
realistic mix with the real handlers on a real database, phase by phase: every resident walks the
whole /request conversation (7 updates), every volunteer presses 接单 on a card in their group, then
完成 + hours + note, the residents confirm, rate 5⭐ and comment, the volunteers log a door visit
(/visits, the household's button, 见到了, 不写备注), and everyone asks /points. For each phase the
bench stops polling, preloads the phase's updates into the sandbox (built from the buttons the bot
really sent), starts polling and times only the bot's work: from then until the gate has handled
the last of them. The outbox sender runs as in production (29/s) during a phase; between phases it
is sped up to drain the notifications the next phase presses on (not timed).

Then an open-loop phase: a separate process offers 300 updates/s (--rate) (/points, /tasks, /visits, /help,
users sending several in a row) for --paced-seconds; latency is measured inside the bot from the
update's arrival (getUpdates answer) to its being done (handlers finished, state stored, marked done).

Prints updates/s, p50/p99 handler time (in the gate: take, state, handlers, persist, done), whether
each person's updates ran in their order, and the ratio to the echo bot. For scale it also runs the
echo bot on the bot's own settings (aiohttp requests, 64 updates at once: python-telegram-bot's
ceiling on this machine), and splits the CPU of the mix between the bot, the sandbox and the
PostgreSQL server (read from /proc), with the rate all of it would allow if it were spread perfectly
over the machine's cores. The peer: an aiogram 3 echo bot on the same texts and chats (bench/peer.py,
in an environment of its own). SQL statements and round trips per update of each kind of update of
the mix (bench/sqlcount.py). --quick: 200 users, 2,000 texts per echo bot, the open loop 5 s on
PostgreSQL only; --json: the figures as one JSON object (bench/inbound_report.figures).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from sqlalchemy import insert
from sqlmodel import SQLModel

from bench.common import fresh_pg_database, gather_limited, sandbox_process
from bench.echo import run_echo
from bench.inbound_kit import pct
from bench.inbound_report import Echo, figures, print_summary
from bench.inbound_run import OFFERED, PER_GRID, Run, offer
from bench.peer import run_aiogram_echo
from bot.app import build_application, start_running, stop_running
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import load_config
from storage.db import Database
from storage.models import ChatBinding, Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile
from storage.rows import key_of

TOKEN = "123456:sandbox-token-redvest"
RES0, VOL0, LEAD0 = 3_000_000, 2_000_000, 1_000_000


async def seed(db: Database, sb: Any, grids: int) -> dict[str, Any]:
    """Community, grids with a leader and a bound volunteer group, residents, volunteers each paired
    with one household; the same people as sandbox users."""
    async with db.session() as s:
        com = Community(name="基准社区", timezone="Asia/Shanghai")
        s.add(com)
        await s.flush()
        rows = [Grid(community_id=key_of(com), name=f"网格{g + 1}") for g in range(grids)]
        s.add_all(rows)
        await s.flush()
        gids = [g.id for g in rows]
        conn = await s.connection()
        people: list[dict[str, Any]] = []
        w: dict[str, Any] = dict(grids=gids, residents=[], volunteers=[], households={}, group={})
        for gi, gid in enumerate(gids):
            people.append(dict(id=gi + 1, tg_user_id=LEAD0 + gi, name=f"网格长{gi}", language="zh-hans", grid_id=gid))
            for k in range(PER_GRID):
                i = gi * PER_GRID + k
                people.append(
                    dict(id=100_000 + i, tg_user_id=RES0 + i, name=f"居民{i}", language="zh-hans", grid_id=gid)
                )
                people.append(
                    dict(
                        id=200_000 + i,
                        tg_user_id=VOL0 + i,
                        name=f"志愿者{i}",
                        language="zh-hans",
                        grid_id=gid,
                        phone=f"1390000{i:04d}",
                    )
                )
                w["residents"].append(RES0 + i)
                w["volunteers"].append(VOL0 + i)
                w["households"][VOL0 + i] = i + 1
                w["group"][VOL0 + i] = -100_000 - gi
        await conn.execute(insert(Person), people)
        await conn.execute(
            insert(RoleGrant), [dict(person_id=gi + 1, role="leader", grid_id=gid) for gi, gid in enumerate(gids)]
        )
        vols = [p for p in people if p["id"] >= 200_000]
        await conn.execute(
            insert(VolunteerProfile),
            [dict(person_id=p["id"], grid_id=p["grid_id"], status="approved", skills="repairs") for p in vols],
        )
        await conn.execute(
            insert(Household),
            [
                dict(
                    id=p["id"] - 200_000 + 1,
                    grid_id=p["grid_id"],
                    address=f"幸福里 {p['id'] - 200_000} 号",
                    members="住户",
                    care_flags="elderly_alone",
                )
                for p in vols
            ],
        )
        await conn.execute(
            insert(Pairing), [dict(volunteer_id=p["id"], household_id=p["id"] - 200_000 + 1) for p in vols]
        )
        await conn.execute(
            insert(ChatBinding),
            [
                dict(chat_id=-100_000 - gi, grid_id=gid, kind="volunteers", title=f"网格{gi + 1}志愿者群")
                for gi, gid in enumerate(gids)
            ],
        )
    users = [(p["tg_user_id"], p["name"]) for p in people]
    await gather_limited([sb.add_user(u, n, language_code="zh-hans", started=True) for u, n in users])
    await gather_limited(
        [
            sb.add_group(
                -100_000 - gi,
                f"网格{gi + 1}志愿者群",
                [LEAD0 + gi] + [VOL0 + gi * PER_GRID + k for k in range(PER_GRID)],
            )
            for gi in range(grids)
        ]
    )
    return w


async def new_db(kind: str, tmp: Path) -> Database:
    if kind == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp / 'inbound.db'}")
    else:
        db = Database(
            await fresh_pg_database("redvest_inbound"), pool_size=load_config(None, env={}).database.pool_size
        )  # as in production
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    return db


async def full_bot(
    kind: str, users: int, rate: int, seconds: float, concurrency: int | None = None, mix: bool = True
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await new_db(kind, Path(tmp))
        async with sandbox_process() as sb:
            w = await seed(db, sb, max(1, users // (2 * PER_GRID)))
            cfg = load_config(None, env={})
            cfg.telegram.token = SecretStr(TOKEN)
            cfg.telegram.base_url = f"http://127.0.0.1:{sb.port}/bot"
            cfg.database.url = db.url
            if concurrency:
                cfg.telegram.concurrent_updates = concurrency
            app = build_application(cfg, db, SystemClock(), run_scheduler=False)
            await start_running(app, polling=False)
            run = Run(sb, db, app, w)
            print(
                f"\nfull bot on {kind} ({len(w['residents']) + len(w['volunteers'])} users, "
                f"{len(w['grids'])} grids, concurrent_updates={cfg.telegram.concurrent_updates}):",
                flush=True,
            )
            try:
                if mix:
                    await run.mix()
                else:  # warm the caches and the connection pool first, as the mix would have
                    people = w["residents"] + w["volunteers"]
                    await run.phase(
                        "warm-up", lambda: [("send", u, u, OFFERED[i % len(OFFERED)]) for i, u in enumerate(people)]
                    )
                    run.results.clear()
                paced = await run.paced(sb.port, rate, seconds) if seconds else None
            finally:
                await stop_running(app)
                await db.dispose()
        n = sum(r[1] for r in run.results)
        busy = sum(r[2] for r in run.results) or float("nan")
        kept, several = run.meter.order_kept()
        return dict(
            kind=kind,
            n=n,
            busy=busy,
            rate=n / busy,
            cpu=run.cpu / max(1, n),
            sandbox_cpu=run.sandbox_cpu / max(1, n),
            server_cpu=run.server_cpu / max(1, n),
            p50=pct(run.handle_all, 0.5),
            p99=pct(run.handle_all, 0.99),
            paced=paced,
            order=kept,
            several=several,
            missing=run.missing,
            max_in_flight=run.meter.max_in_flight,
            per_kind=run.sql.per_update(),
        )


async def echoes(a: argparse.Namespace) -> tuple[Echo, Echo, Echo]:
    """The three echo bots, each on a sandbox of its own with the same preloaded texts and chats."""
    async with sandbox_process() as sb:
        baseline = Echo(*await run_echo(sb, a.echo_updates, a.users))
    print(f"bare PTB echo bot (default settings, httpx, sequential): {baseline.ups:,.0f} updates/s", flush=True)
    async with sandbox_process() as sb:  # not the baseline: what PTB itself takes, on the bot's settings
        ceiling = Echo(*await run_echo(sb, a.echo_updates, a.users, concurrent=64, aiohttp=True))
    print(
        f"  the same on the bot's aiohttp requests, 64 at once (PTB's ceiling): {ceiling.ups:,.0f} updates/s, "
        f"{ceiling.cpu * 1000:.2f} ms of CPU per update",
        flush=True,
    )
    async with sandbox_process() as sb:
        aiogram = Echo(*await run_aiogram_echo(sb, a.echo_updates, a.users, concurrent=64))
    print(
        f"  the peer, an aiogram 3 echo bot (its aiohttp session, 64 at once): {aiogram.ups:,.0f} updates/s, "
        f"{aiogram.cpu * 1000:.2f} ms of CPU per update",
        flush=True,
    )
    return baseline, ceiling, aiogram


async def main(a: argparse.Namespace) -> dict[str, Any]:
    baseline, ceiling, aiogram = await echoes(a)
    runs = []
    for kind in ["sqlite", "postgres"] if a.db == "both" else [a.db]:
        # quick: the open loop on PostgreSQL only (the figure of issue 19)
        seconds = a.paced_seconds if not a.quick or kind == "postgres" else 0.0
        runs.append(await full_bot(kind, a.users, a.rate, seconds, a.concurrency, not a.paced_only))
    print_summary(baseline, ceiling, aiogram, runs, a.rate)
    return figures(baseline, ceiling, aiogram, runs, a.rate)


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--users", type=int, help="sandbox users (default 1,000; --quick 200)")
    ap.add_argument("--echo-updates", type=int, help="texts each echo bot answers (default 5,000; --quick 2,000)")
    ap.add_argument("--rate", type=int, default=300, help="offered updates/s of the open-loop phase")
    ap.add_argument("--paced-seconds", type=float, help="length of the open loop (default 15 s; --quick 5 s)")
    ap.add_argument("--concurrency", type=int, help="telegram.concurrent_updates (default: the config's)")
    ap.add_argument("--paced-only", action="store_true", help="skip the mix: only the open-loop phase")
    ap.add_argument("--quick", action="store_true", help="a smaller run (under 3 minutes): 200 users, 2,000 echoes")
    ap.add_argument("--json", action="store_true", help="print one JSON object of the figures (the rest to stderr)")
    a = ap.parse_args()
    a.users = a.users or (200 if a.quick else 1000)
    a.echo_updates = a.echo_updates or (2000 if a.quick else 5000)
    a.paced_seconds = a.paced_seconds if a.paced_seconds is not None else (5.0 if a.quick else 15.0)
    return a


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if len(sys.argv) > 1 and sys.argv[1] == "--offer":
        asyncio.run(offer(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])))
        sys.exit(0)
    a = arguments()
    if a.json:  # the figures alone on standard output; the running commentary on standard error
        with contextlib.redirect_stdout(sys.stderr):
            result = asyncio.run(main(a))
        print(json.dumps(result, ensure_ascii=False))
    else:
        asyncio.run(main(a))
