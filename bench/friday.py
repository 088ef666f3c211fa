"""Friday with people talking: a fan-out of reminders at Telegram's limits while inbound updates are
offered open loop to the same bot process (issue 19, point 6).

    .venv/bin/python bench/friday.py --quick            # 2,000 reminders, PostgreSQL (2-4 minutes)
    .venv/bin/python bench/friday.py                    # 10,000 reminders (about 6 minutes a database)
    .venv/bin/python bench/friday.py --db both --json   # PostgreSQL and SQLite; one JSON object on stdout

The sandbox Bot API runs in its own process **with its real limits** (30 sends and edits a second per
bot, 20 a minute per group, 429 beyond them). The full bot (`build_application`, as in production:
the outbox sender at 29/s, PTB's handlers, the gate) serves the people of bench/inbound.py (seeded
by its `seed`) while reminders to `--reminders` other private chats go through the real outbox
(`fan_out`, one row each, the sender's pace). The reminders are fed so that about `--window` of them
wait at a time (`--upfront`: all queued at once, as the Friday job does; then the mix's own
notifications, a request's group card among them, wait behind every reminder, so the steps that need
them find no button).

Inbound: bench/inbound's mix (the 7 steps of /request, accept on the group card, done and rating,
door visits, /points), each phase's updates offered open loop at `--rate` a second by another process
(bench/inbound_run.Run builds them from the buttons the bot really sent), then the open loop's
commands (bench/inbound_run.offer: /points, /tasks, /visits, /help) until the fan-out is done.
Latency: from the update's arrival (getUpdates answer) to its being done, in the bot (inbound_kit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlmodel import col

from bench.common import sandbox_process
from bench.fanout import BenchCard, add_users
from bench.friday_figures import figures, verdict
from bench.inbound import TOKEN, seed
from bench.inbound_kit import pct
from bench.inbound_run import PER_GRID, Run, kind_of_phase
from bench.load_curve import own_database
from bot.app import build_application, start_polling, start_running, stop_running
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import load_config
from bot.services.kernel.core import Core
from bot.services.kernel.fanout import Outgoing, fan_out
from storage.db import Database
from storage.models import OutboxMessage

FRIDAY = str(Path(__file__).resolve())
REMINDED0 = 700_000  # the reminded volunteers' chats: REMINDED0 .. REMINDED0 + reminders


async def waiting(db: Database, reminders: int = 0, which: str = "all") -> int:
    """Outbox rows not yet sent: all of them, the reminders, or the others (the mix's own)."""
    q = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.status).in_(["pending", "sending"]))
    reminder = col(OutboxMessage.chat_id).between(REMINDED0, REMINDED0 + reminders - 1)
    q = q.where(reminder) if which == "reminders" else q.where(~reminder) if which == "others" else q
    async with db.session() as s:
        return int(await s.scalar(q) or 0)


async def feed(core: Core, n: int, window: int) -> None:
    """Queue the n reminders through the real outbox, keeping about `window` of them waiting."""
    items = [
        Outgoing(f"friday:{REMINDED0 + i}", BenchCard(chat_id=REMINDED0 + i, text=f"本周五上门探访提醒：幸福里 {i} 号"))
        for i in range(n)
    ]
    step = min(window, 250)
    for i in range(0, n, step):
        while await waiting(core.db, n, "reminders") >= window:
            await asyncio.sleep(0.2)
        await fan_out(core, items[i : i + step])


class FridayRun(Run):
    """Run's mix, each phase offered open loop at `rate` a second while the fan-out goes on."""

    def __init__(self, sb: Any, db: Database, app: Any, w: dict[str, Any], rate: int, reminders: int) -> None:
        super().__init__(sb, db, app, w)
        self.rate, self.reminders = rate, reminders
        self.latencies: list[float] = []
        self.offered = 0

    async def drain(self) -> None:
        """Wait for the mix's own notifications (not the reminders); the sender keeps its pace."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and await waiting(self.db, self.reminders, "others"):
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.3)
        await self.chats.sync()

    async def phase(self, name: str, build: Any) -> None:
        await self.drain()
        actions = build()
        if not actions:
            print(f"  {name}: nothing to do", flush=True)
            return
        self.meter.expect(len(actions))
        self.meter.kind = kind_of_phase(name)
        if "poller" not in self.app.bot_data:
            start_polling(self.app, poll_timeout=1)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(actions, f)
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, FRIDAY, "--offer", str(self.sb.port), str(self.rate), f.name
        )
        try:
            await asyncio.wait_for(self.meter.finished.wait(), len(actions) / self.rate * 3 + 60)
        finally:
            await proc.wait()
            os.unlink(f.name)
        self.offered += len(actions)
        self.latencies += self.meter.arrival
        print(
            f"  {name:<34} {len(actions):>5} offered at {self.rate}/s, done {time.perf_counter() - t0:5.1f} s after "
            f"the first; arrival to done p50 {pct(self.meter.arrival, 0.5) * 1000:6.1f} ms, "
            f"p99 {pct(self.meter.arrival, 0.99) * 1000:7.1f} ms",
            flush=True,
        )


async def offer_actions(port: int, rate: int, path: str) -> None:
    """(In its own process.) Offer the actions of a phase at `rate` a second, open loop."""
    from sandbox import SandboxClient

    with open(path) as f:
        actions = json.load(f)
    async with SandboxClient(f"http://127.0.0.1:{port}") as sb:
        await sb.last_seq()
        t0 = time.perf_counter()
        for i, (kind, user, chat, arg) in enumerate(actions):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if kind == "send":
                await sb.send(user, arg, chat_id=None if chat == user else chat)
            else:
                await sb.press(user, chat, arg[0], arg[1])


async def sends_to(sb: Any, since: int, lo: int, hi: int, times: list[float], every: float = 0.0) -> None:
    """Add to `times` the sandbox's times of the messages sent to chats lo..hi since event `since`;
    with `every`, keep reading at that interval until cancelled (the sandbox keeps its last 40,000
    to 50,000 events only, fewer than a 10,000 fan-out and its inbound make)."""
    while True:
        evs = await sb.events(since)
        for e in evs:
            since = max(since, e["seq"])
            if e["type"] in ("message_sent", "photo_sent") and lo <= e["chat_id"] <= hi:
                times.append(e["ts"])
        if not evs and not every:
            return
        if not evs:
            await asyncio.sleep(every)


async def one_db(kind: str, a: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await own_database("redvest_friday")(kind, Path(tmp))
        async with sandbox_process(limits=True) as sb:
            if a.bot_per_second != 30:  # Telegram's 30/s for every send and edit, or a what-if
                await sb.set_limits(per_second=a.bot_per_second)
            w = await seed(db, sb, max(1, a.users // (2 * PER_GRID)))
            await add_users(sb, [REMINDED0 + i for i in range(a.reminders)])
            cfg = load_config(None, env={})
            cfg.telegram.token = SecretStr(TOKEN)
            cfg.telegram.base_url = f"http://127.0.0.1:{sb.port}/bot"
            cfg.database.url = db.url
            app = build_application(cfg, db, SystemClock(), run_scheduler=False)
            await start_running(app, polling=False)
            run = FridayRun(sb, db, app, w, a.rate, a.reminders)
            since, stats0 = await sb.last_seq(), await sb.stats()
            print(f"\n{kind}: {a.reminders} reminders, {a.users} people talking at {a.rate}/s", flush=True)
            times: list[float] = []
            watch = asyncio.create_task(sends_to(sb, since, REMINDED0, REMINDED0 + a.reminders - 1, times, 2.0))
            feeder = asyncio.create_task(
                feed(app.bot_data["core"], a.reminders, a.reminders if a.upfront else a.window)
            )
            t0, mixed = time.perf_counter(), 0
            try:
                await run.mix()
                mixed = len(run.latencies)
                while not feeder.done() or await waiting(db):  # the open loop's commands till the fan-out ends
                    p = await run.paced(sb.port, a.rate, 10.0)
                    run.latencies += run.meter.arrival
                    run.offered += p["n"]
                await feeder
                talking = time.perf_counter() - t0  # the mix's pauses between phases included
                await asyncio.sleep(2.5)  # the watch reads the last sends
            finally:
                watch.cancel()
                await stop_running(app)
                await db.dispose()
            stats = await sb.stats()
    return figures(
        kind if a.bot_per_second == 30 else f"{kind}, bot limit {a.bot_per_second}/s",
        a.reminders,
        times,
        stats["rate_limited_429"] - stats0["rate_limited_429"],
        run.latencies,
        run.offered,
        talking,
        run.missing,
        run.latencies[mixed:],
    )


async def main(a: argparse.Namespace) -> dict[str, Any]:
    runs = [await one_db(kind, a) for kind in (["postgres", "sqlite"] if a.db == "both" else [a.db])]
    print("\n== summary")
    for r in runs:
        print(verdict(r))
    return {r["db"]: r for r in runs}


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="postgres")
    ap.add_argument("--reminders", type=int, help="reminders fanned out (default 10,000; --quick 2,000)")
    ap.add_argument("--users", type=int, default=200, help="people of the inbound mix")
    ap.add_argument("--rate", type=int, default=100, help="inbound updates offered a second")
    ap.add_argument("--window", type=int, default=90, help="reminders waiting at a time (3 s of sends)")
    ap.add_argument("--upfront", action="store_true", help="queue every reminder at once, as the Friday job")
    ap.add_argument("--bot-per-second", type=int, default=30, help="the sandbox's per-bot limit (what-if)")
    ap.add_argument("--quick", action="store_true", help="2,000 reminders")
    ap.add_argument("--json", action="store_true", help="print one JSON object of the figures (the rest to stderr)")
    a = ap.parse_args()
    a.reminders = a.reminders or (2000 if a.quick else 10_000)
    return a


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if len(sys.argv) > 1 and sys.argv[1] == "--offer":
        asyncio.run(offer_actions(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
        sys.exit(0)
    args = arguments()
    if args.json:
        with contextlib.redirect_stdout(sys.stderr):
            result = asyncio.run(main(args))
        print(json.dumps(result, ensure_ascii=False))
    else:
        asyncio.run(main(args))
