"""What bench/inbound.py watches the bot with: the gate's timings and order (`Meter`), the
messages the bot has shown (`Chats`), the other processes' CPU (`OtherCpu`), percentiles."""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict
from typing import Any


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def proc_cpu(pid: int | str, tick: int = 0) -> float:
    """CPU seconds a process has used so far (Linux: /proc; 0.0 if it is gone or elsewhere)."""
    tick = tick or (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:  # gone meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick  # utime + stime


class OtherCpu:
    """CPU seconds of the processes the bot shares the machine with: the sandbox (the stand-in for
    Telegram) and the PostgreSQL server's processes. Read from /proc (Linux); None elsewhere."""

    def __init__(self, sandbox_pid: int | None) -> None:
        self.sandbox_pid = sandbox_pid
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _cpu(self, pid: int | str) -> float:
        return proc_cpu(pid, self.tick)

    def read(self) -> tuple[float, float] | None:
        """(sandbox, PostgreSQL server) CPU seconds so far."""
        if not os.path.isdir("/proc") or self.sandbox_pid is None:
            return None
        server = 0.0
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        if f.read().strip() != "postgres":
                            continue
                except OSError:
                    continue
                server += self._cpu(pid)
        return self._cpu(self.sandbox_pid), server


class Meter:
    """Wraps the gate: time each update's handling, count the done ones, keep each person's order."""

    def __init__(self, gate: Any) -> None:
        self.gate, self.done, self.target = gate, 0, 0
        self.handle: list[float] = []  # gate time per update (take → done)
        self.arrival: list[float] = []  # from the getUpdates answer to done (paced phase)
        self.arrival_ids: list[int] = []  # the update of each of those
        self.order: dict[int, list[int]] = defaultdict(list)
        self.in_flight = self.max_in_flight = 0
        self.not_done = 0  # duplicates, busy, retries: a run that has any is not measuring handling
        self.finished = asyncio.Event()
        self.kind: str | None = None  # the kind of update the bench is sending now (one a phase)
        self.kind_of: dict[int, str] = {}  # the kind of every update handled (bench/sqlcount.py reads it)
        handle, submit = gate._handle, gate.submit

        async def timed_handle(update: Any) -> Any:
            sent = update.message is not None or update.callback_query is not None  # by the bench (not a group join)
            if self.kind is not None and sent:
                self.kind_of[update.update_id] = self.kind
            if update.effective_user is not None:
                self.order[update.effective_user.id].append(update.update_id)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            t = time.perf_counter()
            outcome = None
            try:
                outcome = await handle(update)
                return outcome
            finally:
                if str(outcome) != "done":
                    self.not_done += 1
                self.handle.append(time.perf_counter() - t)
                self.in_flight -= 1
                self.done += sent  # a phase ends when the updates it sent are done
                if self.done >= self.target:
                    self.finished.set()

        async def timed_submit(update: Any, blocked: Any = None) -> Any:
            t = time.perf_counter()
            try:
                return await submit(update, blocked)
            finally:
                self.arrival.append(time.perf_counter() - t)
                self.arrival_ids.append(update.update_id)

        gate._handle, gate.submit = timed_handle, timed_submit

    def expect(self, n: int) -> None:
        self.done, self.target = 0, n
        self.handle, self.arrival, self.arrival_ids = [], [], []
        self.not_done = 0
        self.finished.clear()

    def arrival_by_position(self, burst: int) -> list[list[float]]:
        """The arrival-to-done latencies split by place in a person's burst of `burst` updates sent in
        a row (the open loop's updates are numbered in the order they were offered)."""
        first = min(self.arrival_ids, default=0)
        out: list[list[float]] = [[] for _ in range(burst)]
        for uid, x in zip(self.arrival_ids, self.arrival, strict=False):
            out[(uid - first) % burst].append(x)
        return out

    def order_kept(self) -> tuple[bool, int]:
        several = [ids for ids in self.order.values() if len(ids) > 1]
        return all(ids == sorted(ids) for ids in several), len(several)


class Chats:
    """What the bot has shown: the newest version of every bot message, per chat."""

    def __init__(self, sb: Any) -> None:
        self.sb, self.seq = sb, 0
        self.msgs: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)

    async def sync(self) -> None:
        while True:
            evs = await self.sb.events(self.seq)
            if not evs:
                return
            for e in evs:
                self.seq = max(self.seq, e["seq"])
                m = e.get("message")
                if m and m.get("from_bot") and e["type"] in ("message_sent", "message_edited", "photo_sent"):
                    self.msgs[e["chat_id"]][m["message_id"]] = m

    def button(self, chat: int, label: str, exact: bool = False, prefix: bool = False) -> tuple[int, str] | None:
        """(message id, callback data) of the newest bot message in `chat` with a button whose text
        contains `label` (or whose data is `label` / starts with it)."""
        for mid in sorted(self.msgs[chat], reverse=True):
            for row in (self.msgs[chat][mid].get("reply_markup") or {}).get("inline_keyboard") or []:
                for b in row:
                    data = b.get("callback_data")
                    if data is not None and (
                        data == label if exact else data.startswith(label) if prefix else label in b["text"]
                    ):
                        return mid, data
        return None

    def buttons(self, chat: int, label: str) -> list[tuple[int, str]]:
        out = []
        for mid in sorted(self.msgs[chat]):
            for row in (self.msgs[chat][mid].get("reply_markup") or {}).get("inline_keyboard") or []:
                out += [(mid, b["callback_data"]) for b in row if label in b.get("text", "") and "callback_data" in b]
        return out
