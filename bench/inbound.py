"""Inbound throughput: the full bot against a bare PTB echo bot, measured in the same invocation.

    .venv/bin/python bench/inbound.py                    # echo, full bot on SQLite and on PostgreSQL
    .venv/bin/python bench/inbound.py --db sqlite        # one database only
    .venv/bin/python bench/inbound.py --users 200        # a quicker, smaller run
    .venv/bin/python bench/inbound.py --paced-only --rate 100   # only the open-loop phase, at 100/s

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

Then an open-loop phase: a separate process offers 200 updates/s (/points, /tasks, /visits, /help,
users sending several in a row) for --paced-seconds; latency is measured inside the bot from the
update's arrival (getUpdates answer) to its being done (handlers finished, state stored, marked done).

Prints updates/s, p50/p99 handler time (in the gate: take, state, handlers, persist, done), whether
each person's updates ran in their order, and the ratio to the echo bot. For scale it also runs the
echo bot on the bot's own settings (aiohttp requests, 64 updates at once: python-telegram-bot's
ceiling on this machine), and splits the CPU of the mix between the bot, the sandbox and the
PostgreSQL server (read from /proc), with the rate all of it would allow if it were spread perfectly
over the machine's cores.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert
from sqlmodel import SQLModel

from bench.common import fresh_pg_database, gather_limited, sandbox_process
from bench.echo import run_echo
from bench.inbound_kit import Chats, Meter, OtherCpu, pct
from bot.app import build_application, start_polling, start_running, stop_running
from bot.outbox.pace import Pace
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import load_config
from storage.db import Database
from storage.models import ChatBinding, Community, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile
from storage.outbox import depth

TOKEN = "123456:sandbox-token-redvest"
PER_GRID = 10  # residents and volunteers per grid
RES0, VOL0, LEAD0 = 3_000_000, 2_000_000, 1_000_000
OFFERED = ["/points", "/tasks", "/visits", "/help"]  # the open-loop phase's commands
BURST = 3  # the open loop sends this many in a row from each person


async def seed(db: Database, sb: Any, grids: int) -> dict[str, Any]:
    """Community, grids with a leader and a bound volunteer group, residents, volunteers each paired
    with one household; the same people as sandbox users."""
    async with db.session() as s:
        com = Community(name="基准社区", timezone="Asia/Shanghai")
        s.add(com)
        await s.flush()
        rows = [Grid(community_id=com.id, name=f"网格{g + 1}") for g in range(grids)]
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
                people.append(dict(id=100_000 + i, tg_user_id=RES0 + i, name=f"居民{i}", language="zh-hans", grid_id=gid))
                people.append(dict(id=200_000 + i, tg_user_id=VOL0 + i, name=f"志愿者{i}", language="zh-hans",
                                   grid_id=gid, phone=f"1390000{i:04d}"))
                w["residents"].append(RES0 + i)
                w["volunteers"].append(VOL0 + i)
                w["households"][VOL0 + i] = i + 1
                w["group"][VOL0 + i] = -100_000 - gi
        await conn.execute(insert(Person), people)
        await conn.execute(insert(RoleGrant), [dict(person_id=gi + 1, role="leader", grid_id=gid) for gi, gid in enumerate(gids)])
        vols = [p for p in people if p["id"] >= 200_000]
        await conn.execute(insert(VolunteerProfile), [dict(person_id=p["id"], grid_id=p["grid_id"], status="approved",
                                                          skills="repairs") for p in vols])
        await conn.execute(insert(Household), [dict(id=p["id"] - 200_000 + 1, grid_id=p["grid_id"],
                                                    address=f"幸福里 {p['id'] - 200_000} 号", members="住户",
                                                    care_flags="elderly_alone") for p in vols])
        await conn.execute(insert(Pairing), [dict(volunteer_id=p["id"], household_id=p["id"] - 200_000 + 1) for p in vols])
        await conn.execute(insert(ChatBinding), [dict(chat_id=-100_000 - gi, grid_id=gid, kind="volunteers",
                                                      title=f"网格{gi + 1}志愿者群") for gi, gid in enumerate(gids)])
    users = [(p["tg_user_id"], p["name"]) for p in people]
    await gather_limited([sb.add_user(u, n, language_code="zh-hans", started=True) for u, n in users])
    await gather_limited([sb.add_group(-100_000 - gi, f"网格{gi + 1}志愿者群",
                                       [LEAD0 + gi] + [VOL0 + gi * PER_GRID + k for k in range(PER_GRID)])
                          for gi in range(grids)])
    return w


class Run:
    """One full bot on one database, driven phase by phase."""

    def __init__(self, sb: Any, db: Database, app: Any, w: dict[str, Any]) -> None:
        self.sb, self.db, self.app, self.w = sb, db, app, w
        self.meter = Meter(app.bot_data["gate"])
        self.chats = Chats(sb)
        self.results: list[tuple[str, int, float]] = []
        self.handle_all: list[float] = []
        self.missing = 0
        self.cpu = 0.0  # the bot process's CPU seconds during the timed phases
        self.others = OtherCpu(getattr(sb, "pid", None))
        self.sandbox_cpu = self.server_cpu = 0.0  # the sandbox's and PostgreSQL's, same phases
        self.statements = self.commits = 0  # SQL statements and commits the bot ran (all of them)

        def count_statement(*_: Any) -> None:
            self.statements += 1

        def count_commit(*_: Any) -> None:
            self.commits += 1
        event.listen(db.engine.sync_engine, "before_cursor_execute", count_statement)
        event.listen(db.engine.sync_engine, "commit", count_commit)

    async def drain(self) -> None:
        """Let the outbox sender deliver what the last phase queued (fast: the sandbox has no limits)."""
        sender = self.app.bot_data.get("sender")
        if sender is not None:
            sender.pace, sender.batch = Pace(1000, 60), 200
            sender.wake()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            async with self.db.session() as s:
                if await depth(s) == 0:
                    break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
        if sender is not None:  # production pace while timing
            cfg = self.app.bot_data["core"].cfg.outbox
            sender.pace, sender.batch = Pace(cfg.per_second, cfg.per_group_per_minute), max(1, int(cfg.per_second))
        await self.chats.sync()

    async def phase(self, name: str, build: Any) -> None:
        """build() → actions, made once the last phase's answers are in: ("send", user, chat, text)
        or ("press", user, chat, (message_id, data))."""
        await self.drain()
        actions = build()
        if not actions:
            print(f"  {name}: nothing to do")
            return
        poller = self.app.bot_data.pop("poller", None)
        if poller is not None:
            await poller.stop()

        async def act(a: tuple[str, int, int, Any]) -> None:
            kind, user, chat, arg = a
            if kind == "send":
                await self.sb.send(user, arg, chat_id=None if chat == user else chat)
            else:
                await self.sb.press(user, chat, arg[0], arg[1])
        await gather_limited([act(a) for a in actions])
        self.meter.expect(len(actions))
        t0, c0, sys0, o0 = time.perf_counter(), time.process_time(), os.times().system, self.others.read()
        st0, co0 = self.statements, self.commits
        start_polling(self.app, poll_timeout=1)
        await asyncio.wait_for(self.meter.finished.wait(), 600)
        busy, cpu = time.perf_counter() - t0, time.process_time() - c0
        kernel = os.times().system - sys0  # of which in the kernel (socket writes, mostly)
        o1 = self.others.read()
        if o0 is not None and o1 is not None:
            self.sandbox_cpu += o1[0] - o0[0]
            self.server_cpu += o1[1] - o0[1]
        self.results.append((name, len(actions), busy))
        self.cpu += cpu
        self.handle_all += self.meter.handle
        print(f"  {name:<34} {len(actions):>5} updates in {busy:6.2f} s = {len(actions) / busy:7.0f}/s; "
              f"gate p50 {pct(self.meter.handle, .5) * 1000:5.1f} ms p99 {pct(self.meter.handle, .99) * 1000:6.1f} ms"
              + f"; bot CPU {cpu / len(actions) * 1000:4.1f} ms/update ({kernel / max(cpu, 1e-9):.0%} kernel)"
              + f"; SQL {(self.statements - st0) / len(actions):4.1f} statements, "
                f"{(self.commits - co0) / len(actions):3.1f} commits/update"
              + (f"; NOT DONE: {self.meter.not_done}" if self.meter.not_done else ""), flush=True)

    def press_all(self, users: list[int], label: str, chat_of: Any = None, exact: bool = False) -> list:
        out = []
        for u in users:
            chat = chat_of(u) if chat_of else u
            b = self.chats.button(chat, label, exact)
            if b is None:
                self.missing += 1
            else:
                out.append(("press", u, chat, b))
        return out

    def accepts(self, grids: int, volunteers: list[int]) -> list:
        out = []
        for gi in range(grids):  # volunteer k of a grid takes the grid's k-th card
            chat = -100_000 - gi
            cards = self.chats.buttons(chat, "接单")
            for k, v in enumerate(volunteers[gi * PER_GRID:(gi + 1) * PER_GRID]):
                if k < len(cards):
                    out.append(("press", v, chat, cards[k]))
                else:
                    self.missing += 1
        return out

    async def mix(self) -> None:
        w, R, V = self.w, self.w["residents"], self.w["volunteers"]
        send = lambda users, text: [("send", u, u, text(u) if callable(text) else text) for u in users]  # noqa: E731
        await self.phase("/request", lambda: send(R, "/request"))
        await self.phase("request: category button", lambda: self.press_all(R, "维修"))
        await self.phase("request: summary", lambda: send(R, lambda u: f"厨房水管漏水，麻烦看看 {u % 1000}"))
        await self.phase("request: when button", lambda: self.press_all(R, "今天"))
        await self.phase("request: address", lambda: send(R, lambda u: f"幸福里 {u % 1000} 栋 401"))
        await self.phase("request: phone", lambda: send(R, lambda u: f"1380000{u % 10000:04d}"))
        await self.phase("request: send button", lambda: self.press_all(R, "发送"))
        await self.phase("accept on the group card", lambda: self.accepts(len(w["grids"]), V))
        await self.phase("task: done button", lambda: self.press_all(V, "完成"))
        await self.phase("task: hours", lambda: send(V, "1.5"))
        await self.phase("task: note", lambda: send(V, "已经修好了，换了一段水管"))
        await self.phase("resident: confirm button", lambda: self.press_all(R, "办好了"))
        await self.phase("resident: 5 stars", lambda: self.press_all(R, "5⭐"))
        await self.phase("resident: comment", lambda: send(R, "谢谢，修得很好！"))
        await self.phase("/visits", lambda: send(V, "/visits"))
        await self.phase("visit: household button", lambda: [
            a for v in V for a in self.press_all([v], f"visit:log:{w['households'][v]}", exact=True)])
        await self.phase("visit: outcome 见到了", lambda: self.press_all(V, "见到了"))
        await self.phase("visit: 不写备注", lambda: self.press_all(V, "不写备注"))
        await self.phase("/points", lambda: send(R + V, "/points"))

    async def paced(self, port: int, rate: int, seconds: float) -> dict[str, Any]:
        """Open loop: another process offers `rate` updates/s; latency from arrival to done."""
        await self.drain()
        users = self.w["residents"] + self.w["volunteers"]
        n = int(rate * seconds)
        self.meter.expect(n)
        if "poller" not in self.app.bot_data:
            start_polling(self.app, poll_timeout=1)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--offer", str(port), str(rate), str(n), json.dumps(users[:200]),
            stdout=asyncio.subprocess.PIPE)
        pauses: list[float] = []  # the garbage collector's pauses meanwhile (they stop every update)
        started: list[float] = []

        def gc_pause(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                pauses.append(time.perf_counter() - started.pop())
        gc.callbacks.append(gc_pause)
        t0 = time.perf_counter()
        try:
            await asyncio.wait_for(self.meter.finished.wait(), seconds * 3 + 60)
        finally:
            gc.callbacks.remove(gc_pause)
        busy = time.perf_counter() - t0
        out = (await proc.communicate())[0].decode().strip()
        places = [(pct(xs, .5), pct(xs, .99)) for xs in self.meter.arrival_by_position(BURST)]
        return dict(n=n, busy=busy, offered=out, p50=pct(self.meter.arrival, .5), p99=pct(self.meter.arrival, .99), places=places,
                    hp50=pct(self.meter.handle, .5), hp99=pct(self.meter.handle, .99),
                    gc_n=len(pauses), gc_max=max(pauses, default=0.0), gc_total=sum(pauses))


async def offer(port: int, rate: int, n: int, users: list[int]) -> None:
    """(In its own process.) Send n commands at `rate` a second, open loop; each user in turn."""
    from sandbox import SandboxClient
    texts = OFFERED
    async with SandboxClient(f"http://127.0.0.1:{port}") as sb:
        await sb.last_seq()  # the connection is open before the clock starts
        t0 = time.perf_counter()
        for i in range(n):  # on schedule; a send that was late is followed at once by the next
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            u = users[(i // BURST) % len(users)]  # three in a row from one person: order matters
            await sb.send(u, texts[i % len(texts)])  # one connection: no burst of new connections
        print(f"offered {n} in {time.perf_counter() - t0:.1f} s")


async def new_db(kind: str, tmp: Path) -> Database:
    if kind == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp / 'inbound.db'}")
    else:
        db = Database(await fresh_pg_database("redvest_inbound"), pool_size=load_config(None, env={}).database.pool_size)  # as in production
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    return db


async def full_bot(kind: str, users: int, rate: int, seconds: float, concurrency: int | None = None,
                   mix: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await new_db(kind, Path(tmp))
        async with sandbox_process() as sb:
            w = await seed(db, sb, max(1, users // (2 * PER_GRID)))
            cfg = load_config(None, env={})
            cfg.telegram.token = TOKEN  # type: ignore[assignment]
            cfg.telegram.base_url = f"http://127.0.0.1:{sb.port}/bot"  # type: ignore[attr-defined]
            cfg.database.url = db.url
            if concurrency:
                cfg.telegram.concurrent_updates = concurrency
            app = build_application(cfg, db, SystemClock(), run_scheduler=False)
            await start_running(app, polling=False)
            run = Run(sb, db, app, w)
            print(f"\nfull bot on {kind} ({len(w['residents']) + len(w['volunteers'])} users, "
                  f"{len(w['grids'])} grids, concurrent_updates={cfg.telegram.concurrent_updates}):", flush=True)
            try:
                if mix:
                    await run.mix()
                else:  # warm the caches and the connection pool first, as the mix would have
                    people = w["residents"] + w["volunteers"]
                    await run.phase("warm-up", lambda: [("send", u, u, OFFERED[i % len(OFFERED)]) for i, u in enumerate(people)])
                    run.results.clear()
                paced = await run.paced(sb.port, rate, seconds) if seconds else None  # type: ignore[attr-defined]
            finally:
                await stop_running(app)
                await db.dispose()
        n = sum(r[1] for r in run.results)
        busy = sum(r[2] for r in run.results) or float("nan")
        kept, several = run.meter.order_kept()
        return dict(kind=kind, n=n, busy=busy, rate=n / busy, cpu=run.cpu / max(1, n),
                    sandbox_cpu=run.sandbox_cpu / max(1, n), server_cpu=run.server_cpu / max(1, n),
                    p50=pct(run.handle_all, .5),
                    p99=pct(run.handle_all, .99), paced=paced, order=kept, several=several,
                    missing=run.missing, max_in_flight=run.meter.max_in_flight)


async def main(a: argparse.Namespace) -> None:
    async with sandbox_process() as sb:
        echo = await run_echo(sb, a.echo_updates, a.users)
    print(f"bare PTB echo bot (default settings, httpx, sequential), {a.echo_updates} updates from {a.users} "
          f"chats: {echo:,.0f} updates/s", flush=True)
    async with sandbox_process() as sb:  # not the baseline: what PTB itself takes, on the bot's settings
        ceiling = await run_echo(sb, a.echo_updates, a.users, concurrent=64, aiohttp=True)
    print(f"  for scale, not the baseline: the same echo bot on the bot's aiohttp requests, 64 at once: "
          f"{ceiling:,.0f} updates/s ({ceiling / echo:.2f}× the baseline; python-telegram-bot's own ceiling here)",
          flush=True)
    out = []
    for kind in (["sqlite", "postgres"] if a.db == "both" else [a.db]):
        r = await full_bot(kind, a.users, a.rate, a.paced_seconds, a.concurrency, not a.paced_only)
        out.append(r)
    print("\n== summary")
    print(f"echo bot: {echo:,.0f} updates/s (PTB's ceiling, aiohttp and 64 at once: {ceiling:,.0f} updates/s)")
    for r in out:
        print(f"full bot on {r['kind']}: {r['n']} updates in {r['busy']:.1f} s busy = {r['rate']:,.0f} updates/s "
              f"({r['rate'] / echo:.2f}× echo; target ≥ 1.20×); bot CPU {r['cpu'] * 1000:.1f} ms/update; gate time p50 {r['p50'] * 1000:.1f} ms, "
              f"p99 {r['p99'] * 1000:.1f} ms; up to {r['max_in_flight']} updates in flight at once; "
              f"per-person order kept: {'yes' if r['order'] else 'NO'} ({r['several']} people with several updates); "
              f"steps without the expected button: {r['missing']}")
        machine = r["cpu"] + r["sandbox_cpu"] + (r["server_cpu"] if r["kind"] == "postgres" else 0.0)
        cores = os.cpu_count() or 1
        print(f"  CPU per update of the mix: bot {r['cpu'] * 1000:.2f} ms, sandbox {r['sandbox_cpu'] * 1000:.2f} ms"
              + (f", PostgreSQL server {r['server_cpu'] * 1000:.2f} ms" if r["kind"] == "postgres" else "")
              + f"; all of it spread perfectly over this machine's {cores} cores would allow at most "
              f"{cores / machine:,.0f} updates/s = {cores / machine / echo:.2f}× echo")
        p = r["paced"]
        if p:
            print(f"  open loop at {a.rate}/s ({p['offered']}): {p['n']} handled in {p['busy']:.1f} s; latency from "
                  f"arrival to done p50 {p['p50'] * 1000:.1f} ms, p99 {p['p99'] * 1000:.1f} ms (target < 100 ms); "
                  f"gate time p50 {p['hp50'] * 1000:.1f} ms, p99 {p['hp99'] * 1000:.1f} ms; garbage collector: "
                  f"{p['gc_n']} runs, longest {p['gc_max'] * 1000:.1f} ms, {p['gc_total'] * 1000:.0f} ms in all")
            print("    by place in each person's three (each waits for the one before: per-person order): "
                  + "; ".join(f"#{k + 1} p50 {a * 1000:.1f} ms, p99 {b * 1000:.1f} ms" for k, (a, b) in enumerate(p["places"])))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if len(sys.argv) > 1 and sys.argv[1] == "--offer":
        asyncio.run(offer(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])))
        sys.exit(0)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--echo-updates", type=int, default=5000)
    ap.add_argument("--rate", type=int, default=200, help="offered updates/s of the open-loop phase")
    ap.add_argument("--paced-seconds", type=float, default=15.0)
    ap.add_argument("--concurrency", type=int, help="telegram.concurrent_updates (default: the config's)")
    ap.add_argument("--paced-only", action="store_true", help="skip the mix: only the open-loop phase")
    asyncio.run(main(ap.parse_args()))
