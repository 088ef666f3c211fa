"""Fan-out at Telegram's limits, measured end to end.

    .venv/bin/python bench/fanout.py                  # both cases
    .venv/bin/python bench/fanout.py --case friday    # 3,000 Friday visit lists to private chats
    .venv/bin/python bench/fanout.py --case friday --volunteers 10000   # the city's Friday: ~6 minutes
    .venv/bin/python bench/fanout.py --case groups    # 500 groups, 20 messages a minute each at most
    .venv/bin/python bench/fanout.py --paid --volunteers 10000   # the city's Friday with paid broadcasts

The sandbox runs in its own process with its real limits (30 messages/s per bot, 20 a minute per
group, 429 with retry_after beyond them). The bot is wired exactly as in production
(`build_application`: OutboxSender + PTB's AIORateLimiter) on a fresh SQLite file; the Friday
case queues its messages with the real scheduler job (`run_due` at Friday 08:00). Timing comes from
the sandbox's own event timestamps. Prints achieved msg/s, ideal vs actual time and the 429 count.
With --paid the Friday case runs with outbox.paid_broadcast on, against the sandbox's limits (paid
sends: 1,000/s) and then against no limits at all, the outbox's own ceiling (bench/fanout_paid.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from sqlalchemy import insert
from sqlmodel import SQLModel

from bench.fanout_limits import LIMIT_PER_SECOND, ideal_seconds, max_per_window, report
from bot.app import build_application, start_running, stop_running
from bot.jobs import visit_list
from bot.scheduler import run_due
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.config import load_config
from bot.services.kernel.core import Core
from bot.services.kernel.fanout import Outgoing, fan_out
from bot.services.kernel.notices import Notice
from bot.views.message import OutMessage
from bot.views.render import renders
from sandbox.client import SandboxClient
from storage.db import Database
from storage.models import Community, Grid, Household, Pairing, Person, VolunteerProfile
from storage.rows import key_of

TOKEN = "123456:sandbox-token-redvest"
FRIDAY_0800 = datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


async def start_sandbox() -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    return proc, line.split("sandbox on ", 1)[1].split("/ ", 1)[0].rstrip("/")


@dataclass(frozen=True, kw_only=True)
class BenchCard(Notice):
    """A group card of the benchmark: its text as it is."""

    text: str


@renders(BenchCard)
def _bench_card(n: BenchCard, _lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=n.text)


async def add_users(sb: SandboxClient, ids: list[int]) -> None:
    gate = asyncio.Semaphore(32)

    async def one(uid: int) -> None:
        async with gate:
            await sb.add_user(uid, f"志愿者{uid}", language_code="zh-hans", started=True)

    await asyncio.gather(*(one(u) for u in ids))


async def new_database(path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    return db


async def seed_volunteers(db: Database, n: int, grids: int = 30) -> list[int]:
    """One community, `grids` grids, n approved volunteers each paired with one household."""
    async with db.session() as s:
        com = Community(name="基准社区", timezone="Asia/Shanghai")
        s.add(com)
        await s.flush()
        grid_rows = [Grid(community_id=key_of(com), name=f"网格{i}") for i in range(grids)]
        s.add_all(grid_rows)
        await s.flush()
        gids = [g.id for g in grid_rows]
        tg = [700_000 + i for i in range(n)]
        conn = await s.connection()
        await conn.execute(
            insert(Person),
            [
                dict(id=i + 1, tg_user_id=tg[i], name=f"志愿者{i}", language="zh-hans", grid_id=gids[i % grids])
                for i in range(n)
            ],
        )
        await conn.execute(
            insert(VolunteerProfile),
            [dict(person_id=i + 1, grid_id=gids[i % grids], status="approved") for i in range(n)],
        )
        await conn.execute(
            insert(Household),
            [
                dict(
                    id=i + 1,
                    grid_id=gids[i % grids],
                    address=f"基准路 {i} 号",
                    members="住户",
                    care_flags="elderly_alone",
                )
                for i in range(n)
            ],
        )
        await conn.execute(insert(Pairing), [dict(volunteer_id=i + 1, household_id=i + 1) for i in range(n)])
    return tg


async def run_case(
    name: str,
    sb: SandboxClient,
    base_url: str,
    db: Database,
    queue: Callable[[Core], Awaitable[int]],
    expected: int,
    paid: bool = False,
) -> dict[str, Any]:
    cfg = load_config(None, env={})
    cfg.outbox.paid_broadcast = paid
    cfg.telegram.token = SecretStr(TOKEN)
    cfg.telegram.base_url = f"{base_url}/bot"
    cfg.database.url = db.url
    app = build_application(cfg, db, run_sender=True, run_scheduler=False)
    live: Core = app.bot_data["core"]
    t0 = time.monotonic()
    queued = await queue(Core(db=db, notifier=live.notifier, clock=FakeClock(FRIDAY_0800), cfg=cfg))
    enqueue_s = time.monotonic() - t0
    since = await sb.last_seq()
    stats0 = await sb.stats()
    await start_running(app, polling=False)
    deadline = time.monotonic() + expected / LIMIT_PER_SECOND * 3 + 120
    while time.monotonic() < deadline:
        if (await sb.stats())["sent"] - stats0["sent"] >= expected:
            break
        await asyncio.sleep(0.5)
    await stop_running(app)
    stats = await sb.stats()
    events = [e for e in await sb.events(since) if e["type"] in ("message_sent", "photo_sent")]
    times = [e["ts"] for e in events]
    span = (max(times) - min(times)) if times else 0.0
    per_chat: dict[int, list[float]] = defaultdict(list)
    for e in events:
        per_chat[e["chat_id"]].append(e["ts"])
    return dict(
        case=name,
        queued=queued,
        delivered=len(events),
        enqueue_s=enqueue_s,
        span=span,
        rate_429=stats["rate_limited_429"] - stats0["rate_limited_429"],
        max_per_second=max_per_window(times, 1.0),
        max_group_minute=max((max_per_window(ts, 60.0) for c, ts in per_chat.items() if c < 0), default=0),
        duplicates=sum(1 for c, ts in per_chat.items() if c > 0 and len(ts) > 1),
    )


async def friday(
    sb: SandboxClient, base_url: str, tmp: Path, n: int, paid: bool = False, name: str = "friday", known: bool = False
) -> dict[str, Any] | None:
    """The Friday lists to n volunteers; reported here, or returned (--paid: bench/fanout_paid.py)."""
    db = await new_database(tmp / f"{name}.db")
    tg = await seed_volunteers(db, n)
    if not known:  # (known: the sandbox has them from an earlier run)
        await add_users(sb, tg)

    async def queue(core: Core) -> int:
        await run_due(core, FRIDAY_0800, jobs=[visit_list.JOB])
        async with db.session() as s:
            from storage.outbox import depth

            return await depth(s)

    title = f"Friday visit lists to {n} volunteers" + (f" ({name})" if paid else "")
    r = await run_case(title, sb, base_url, db, queue, n, paid)
    await db.dispose()
    if paid:
        return r
    report(r, ideal_seconds(tg))
    return None


async def groups(
    sb: SandboxClient, base_url: str, tmp: Path, n_groups: int, per_group: int, hot: int, hot_msgs: int
) -> None:
    db = await new_database(tmp / "groups.db")
    chats = [-1_000_000 - i for i in range(n_groups)]
    gate = asyncio.Semaphore(32)

    async def add(chat: int) -> None:
        async with gate:
            await sb.add_group(chat, f"网格群{-chat}", [])

    await asyncio.gather(*(add(c) for c in chats))
    counts = {c: (hot_msgs if i < hot else per_group) for i, c in enumerate(chats)}
    order = [c for c in chats for _ in range(counts[c])]
    total = len(order)

    async def queue(core: Core) -> int:  # the busy groups' cards first, in a block: head-of-line stress
        items = [
            Outgoing(f"card:{c}:{k}", BenchCard(chat_id=c, text=f"A-{k:04d} 求助卡片"))
            for c in chats
            for k in range(counts[c])
        ]
        return await fan_out(core, items)

    report(
        await run_case(
            f"{total} cards to {n_groups} groups ({hot} of them get {hot_msgs})", sb, base_url, db, queue, total
        ),
        ideal_seconds(order),
    )
    await db.dispose()


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", choices=["friday", "groups", "all"], default="all")
    ap.add_argument("--volunteers", type=int, default=3000)
    ap.add_argument("--groups", type=int, default=500)
    ap.add_argument("--per-group", type=int, default=2)
    ap.add_argument("--hot", type=int, default=10, help="groups that get more than 20 messages")
    ap.add_argument("--hot-messages", type=int, default=30)
    ap.add_argument("--paid", action="store_true", help="the Friday case with paid broadcasts, and the ceiling")
    args = ap.parse_args()
    proc, base_url = await start_sandbox()
    try:
        async with SandboxClient(base_url) as sb:
            limits = await sb.set_limits()
            print(f"sandbox {base_url}, limits {limits}")
            with tempfile.TemporaryDirectory() as tmp:
                if args.paid:
                    from bench.fanout_paid import paid_fanout

                    await paid_fanout(sb, lambda **kw: friday(sb, base_url, Path(tmp), args.volunteers, **kw))
                    return
                if args.case in ("friday", "all"):
                    await friday(sb, base_url, Path(tmp), args.volunteers)
                if args.case in ("groups", "all"):
                    await groups(sb, base_url, Path(tmp), args.groups, args.per_group, args.hot, args.hot_messages)
    finally:
        proc.terminate()
        await proc.wait()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(main())
