"""1 against 2 `redvest run` webhook workers on PostgreSQL, behind the round-robin balancer of
tests/support/proxies.py (issue 19, point 10).

    .venv/bin/python bench/workers.py                    # 1 then 2 workers, 3,000 updates each
    .venv/bin/python bench/workers.py --workers 2 --updates 1000 --connections 40

The workers are started as the multi-process tests start them (tests/support/workers.py: a fresh
PostgreSQL database at the migration head, one TOML each, `redvest run` in webhook mode) against a
sandbox with no limits, seeded with bench/inbound's 200 people. The sandbox delivers a webhook's
updates one at a time, waiting for each answer (sandbox/webhook.py); Telegram keeps up to
`max_connections` (40 by default) requests open. So this bench plays Telegram's side itself: it POSTs
the open loop's commands (/points, /tasks, /visits, /help) to the balancer, `--connections` at a
time, and times from the first POST until the sandbox has seen the bot's answer to every one. It also
reads the CPU of each worker, the sandbox, PostgreSQL and the whole machine from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from bench.common import sandbox_process, wait_stats
from bench.inbound import seed
from bench.inbound_kit import OtherCpu, proc_cpu
from bench.inbound_run import OFFERED
from bench.load_curve import machine_busy
from tests.support.proxies import RoundRobinHook
from tests.support.workers import PgDatabase, kill_all, spawn_worker, wait_healthy, write_config

SECRET = "worker-secret"


def update(uid: int, user: int, text: str) -> dict[str, Any]:
    """A private text message as Telegram posts it to a webhook."""
    who = {"id": user, "is_bot": False, "first_name": f"u{user}", "language_code": "zh-hans"}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text.startswith("/") else []
    chat = {"id": user, "type": "private", "first_name": who["first_name"]}
    message = {"message_id": uid, "date": int(time.time()), "chat": chat, "from": who, "text": text}
    return {"update_id": uid, "message": message | ({"entities": entities} if entities else {})}


async def post_all(url: str, updates: list[dict[str, Any]], connections: int) -> int:
    """POST every update, `connections` at a time, as Telegram does; the number not answered 200."""
    gate, failed = asyncio.Semaphore(connections), 0
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as http:

        async def one(u: dict[str, Any]) -> None:
            nonlocal failed
            async with gate, http.post(url, json=u, headers=headers) as r:
                failed += r.status != 200

        await asyncio.gather(*(one(u) for u in updates))
    return failed


async def measure(k: int, n: int, connections: int, tmp: Path) -> dict[str, Any]:
    pgdb = PgDatabase()
    db = await pgdb.create()
    workers: list[Any] = []
    hook = RoundRobinHook(targets=[])
    await hook.start()
    try:
        async with sandbox_process() as sb:
            w = await seed(db, sb, 10)
            people = w["residents"] + w["volunteers"]
            for i in range(k):
                url = f"http://127.0.0.1:{sb.port}/bot"
                write_config(tmp / f"w{i}.toml", sandbox_url=url, db_url=pgdb.url, webhook_url=hook.url, secret=SECRET)
            workers = [spawn_worker(f"w{i}", tmp / f"w{i}.toml", tmp) for i in range(k)]
            hook.targets = [x.webhook_url for x in workers]
            hook.in_rotation = [True] * k
            for x in workers:
                await wait_healthy(x)
            uid = 1
            warm = [update(uid + i, u, "/help") for i, u in enumerate(people)]
            base = (await sb.stats())["sent"]
            await post_all(hook.url, warm, connections)
            await wait_stats(sb, "sent", base + len(warm), 120)
            uid += len(warm)
            todo = [update(uid + i, people[(i // 3) % len(people)], OFFERED[i % len(OFFERED)]) for i in range(n)]
            others = OtherCpu(sb.pid)
            base = (await sb.stats())["sent"]
            c0, o0, m0 = [proc_cpu(x.proc.pid) for x in workers], others.read(), machine_busy()
            t0 = time.perf_counter()
            failed = await post_all(hook.url, todo, connections)
            t1 = await wait_stats(sb, "sent", base + n, 300)
            c1, o1, m1 = [proc_cpu(x.proc.pid) for x in workers], others.read(), machine_busy()
            busy = t1 - t0
    finally:
        kill_all(workers)
        await hook.stop()
        await db.dispose()
        await pgdb.drop()
    out: dict[str, Any] = {
        "workers": k,
        "updates": n,
        "seconds": round(busy, 2),
        "updates_per_s": round(n / busy, 1),
        "not_200": failed,
        "served": sorted(hook.served.items()),
        "worker_cores": [round((b - a) / busy, 2) for a, b in zip(c0, c1, strict=True)],
        "worker_cpu_ms_per_update": round(sum(b - a for a, b in zip(c0, c1, strict=True)) / n * 1000, 2),
        "machine_cores_busy": round((m1[0] - m0[0]) / ((m1[1] - m0[1]) / (os.cpu_count() or 1)), 2),
    }
    if o0 is not None and o1 is not None:
        out["sandbox_cores"] = round((o1[0] - o0[0]) / busy, 2)
        out["postgres_cores"] = round((o1[1] - o0[1]) / busy, 2)
        out["postgres_cpu_ms_per_update"] = round((o1[1] - o0[1]) / n * 1000, 2)
    return out


async def main(a: argparse.Namespace) -> list[dict[str, Any]]:
    runs = []
    for k in a.workers:
        with tempfile.TemporaryDirectory() as tmp:
            r = await measure(k, a.updates, a.connections, Path(tmp))
        print(json.dumps(r), file=sys.stderr, flush=True)
        runs.append(r)
    return runs


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--updates", type=int, default=3000)
    ap.add_argument("--connections", type=int, default=40, help="requests open at once (Telegram's default 40)")
    print(json.dumps(asyncio.run(main(ap.parse_args()))))
