"""The driver of bench/inbound.py: one full bot run phase by phase (`Run`), and the open loop's
offering process (`offer`, run as `bench/inbound.py --offer`)."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.common import gather_limited
from bench.inbound_kit import Chats, Meter, OtherCpu, pct
from bench.sqlcount import StatementCounter
from bot.app import start_polling
from bot.outbox.pace import Pace
from storage.db import Database
from storage.outbox import depth

INBOUND = str(Path(__file__).with_name("inbound.py"))  # the script the open loop's process runs
PER_GRID = 10  # residents and volunteers per grid
OFFERED = ["/points", "/tasks", "/visits", "/help"]  # the open-loop phase's commands
BURST = 3  # the open loop sends this many in a row from each person

# the five kinds of update of the mix whose statements and round trips are counted (bench/sqlcount.py)
KINDS = {"/request": "new request", "request": "new request", "accept": "accept", "task": "done/rating"}
KINDS |= {"resident": "done/rating", "/visits": "door visit", "visit": "door visit", "/points": "/points"}


def kind_of_phase(name: str) -> str | None:
    return KINDS.get(name.split(":")[0].split(" ")[0])


Action = tuple[Any, ...]  # ("send", user, chat, text) or ("press", user, chat, (message_id, data))


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
        self.sql = StatementCounter()  # by kind of update
        self.sql.kind_of = self.meter.kind_of
        self.sql.attach(db.engine.sync_engine)

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
        self.meter.kind = kind_of_phase(name)
        t0, c0, sys0, o0 = time.perf_counter(), time.process_time(), os.times().system, self.others.read()
        st0, co0 = self.statements, self.commits
        start_polling(self.app, poll_timeout=1)
        await asyncio.wait_for(self.meter.finished.wait(), 600)
        busy, cpu = time.perf_counter() - t0, time.process_time() - c0
        self.meter.kind = None
        kernel = os.times().system - sys0  # of which in the kernel (socket writes, mostly)
        o1 = self.others.read()
        if o0 is not None and o1 is not None:
            self.sandbox_cpu += o1[0] - o0[0]
            self.server_cpu += o1[1] - o0[1]
        self.results.append((name, len(actions), busy))
        self.cpu += cpu
        self.handle_all += self.meter.handle
        print(
            f"  {name:<34} {len(actions):>5} updates in {busy:6.2f} s = {len(actions) / busy:7.0f}/s; "
            f"gate p50 {pct(self.meter.handle, 0.5) * 1000:5.1f} ms p99 {pct(self.meter.handle, 0.99) * 1000:6.1f} ms"
            + f"; bot CPU {cpu / len(actions) * 1000:4.1f} ms/update ({kernel / max(cpu, 1e-9):.0%} kernel)"
            + f"; SQL {(self.statements - st0) / len(actions):4.1f} statements, "
            f"{(self.commits - co0) / len(actions):3.1f} commits/update"
            + (f"; NOT DONE: {self.meter.not_done}" if self.meter.not_done else ""),
            flush=True,
        )

    def press_all(self, users: list[int], label: str, chat_of: Any = None, exact: bool = False) -> list[Action]:
        out: list[Action] = []
        for u in users:
            chat = chat_of(u) if chat_of else u
            b = self.chats.button(chat, label, exact)
            if b is None:
                self.missing += 1
            else:
                out.append(("press", u, chat, b))
        return out

    def accepts(self, grids: int, volunteers: list[int]) -> list[Action]:
        out: list[Action] = []
        for gi in range(grids):  # volunteer k of a grid takes the grid's k-th card
            chat = -100_000 - gi
            cards = self.chats.buttons(chat, "接单")
            for k, v in enumerate(volunteers[gi * PER_GRID : (gi + 1) * PER_GRID]):
                if k < len(cards):
                    out.append(("press", v, chat, cards[k]))
                else:
                    self.missing += 1
        return out

    async def mix(self) -> None:
        w, R, V = self.w, self.w["residents"], self.w["volunteers"]

        def send(users: list[int], text: str | Callable[[int], str]) -> list[Action]:
            return [("send", u, u, text(u) if callable(text) else text) for u in users]

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
        await self.phase(
            "visit: household button",
            lambda: [a for v in V for a in self.press_all([v], f"visit:log:{w['households'][v]}", exact=True)],
        )
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
            sys.executable,
            INBOUND,
            "--offer",
            str(port),
            str(rate),
            str(n),
            json.dumps(users[:200]),
            stdout=asyncio.subprocess.PIPE,
        )
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
        places = [(pct(xs, 0.5), pct(xs, 0.99)) for xs in self.meter.arrival_by_position(BURST)]
        return dict(
            n=n,
            busy=busy,
            offered=out,
            p50=pct(self.meter.arrival, 0.5),
            p99=pct(self.meter.arrival, 0.99),
            places=places,
            hp50=pct(self.meter.handle, 0.5),
            hp99=pct(self.meter.handle, 0.99),
            gc_n=len(pauses),
            gc_max=max(pauses, default=0.0),
            gc_total=sum(pauses),
        )


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
