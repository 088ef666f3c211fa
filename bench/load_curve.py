"""Throughput and p99 against offered load: the full bot on PostgreSQL, the open loop of
bench/inbound.py at each rate, and a PNG of both (issue 19, point 10).

    .venv/bin/python bench/load_curve.py                       # 50, 100, 200, 300, 400/s, 5 s each
    .venv/bin/python bench/load_curve.py --rates 100 300 --seconds 10 --png /tmp/curve.png

Each rate is bench/inbound.full_bot with the mix skipped (a warm-up of one command per person, then
the open loop): a fresh sandbox (no limits) and a fresh PostgreSQL database. Throughput is the
updates offered over the time from the first offer to the last update done; p99 is from arrival
(getUpdates answer) to done, in the bot. Prints one JSON object of the points on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import SQLModel

import bench.inbound
from bench.common import fresh_pg_database
from bench.inbound import full_bot
from bench.inbound_run import Run
from bot.services.kernel.config import load_config
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
PNG = ROOT / "docs" / "img" / "load-curve.png"


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, every core (Linux: /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - ticks[3] - ticks[4]) / tick, sum(ticks) / tick  # less idle and iowait


def own_database(name: str) -> Any:
    """bench/inbound's new_db on a PostgreSQL database of this name (not `redvest_inbound`, which
    another run of bench/inbound.py may drop meanwhile)."""
    sqlite_db = bench.inbound.new_db

    async def new_db(kind: str, tmp: Path) -> Database:
        if kind == "sqlite":
            return await sqlite_db(kind, tmp)
        db = Database(await fresh_pg_database(name), pool_size=load_config(None, env={}).database.pool_size)
        async with db.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)
        return db

    return new_db


class MeasuredRun(Run):
    """inbound's Run whose open loop also reads the CPU of the bot, the sandbox, PostgreSQL and the machine."""

    async def paced(self, port: int, rate: int, seconds: float) -> dict[str, Any]:
        gate, first = self.app.bot_data["gate"], list[float]()
        inner = gate.submit

        async def submit(update: Any, blocked: Any = None) -> Any:  # the first arrival's time
            first.append(first[0] if first else time.perf_counter())
            return await inner(update, blocked)

        gate.submit = submit
        c0, o0, m0 = time.process_time(), self.others.read(), machine_busy()
        try:
            r = await super().paced(port, rate, seconds)
        finally:
            gate.submit = inner
        c1, o1, m1 = time.process_time(), self.others.read(), machine_busy()
        r["active"] = time.perf_counter() - first[0] if first else r["busy"]  # first arrival to the last done
        wall = (m1[1] - m0[1]) / (os.cpu_count() or 1)
        r["cores"] = {"bot": (c1 - c0) / r["busy"], "machine": (m1[0] - m0[0]) / wall if wall else 0.0}
        if o0 is not None and o1 is not None:
            r["cores"] |= {"sandbox": (o1[0] - o0[0]) / r["busy"], "postgres": (o1[1] - o0[1]) / r["busy"]}
        r["cpu_ms_per_update"] = {k: v * r["busy"] / r["n"] * 1000 for k, v in r["cores"].items() if k != "machine"}
        return r


def point(rate: int, paced: dict[str, Any]) -> dict[str, Any]:
    """One point of the curve from full_bot's open-loop result (with MeasuredRun's CPU, if any)."""
    out: dict[str, Any] = {
        "offered": rate,
        "throughput": round(paced["n"] / paced.get("active", paced["busy"]), 1),
        "p50_ms": round(paced["p50"] * 1000, 1),
        "p99_ms": round(paced["p99"] * 1000, 1),
    }
    if "cores" in paced:
        out["cores"] = {k: round(v, 2) for k, v in paced["cores"].items()}
        out["cpu_ms_per_update"] = {k: round(v, 2) for k, v in paced["cpu_ms_per_update"].items()}
    return out


def plot(points: list[dict[str, Any]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [p["offered"] for p in points]
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    ax.plot(x, x, ":", color="grey", label="offered")
    ax.plot(x, [p["throughput"] for p in points], "o-", color="tab:blue", label="throughput")
    ax.set_xlabel("offered updates/s")
    ax.set_ylabel("handled updates/s", color="tab:blue")
    right = ax.twinx()
    right.plot(x, [p["p99_ms"] for p in points], "s--", color="tab:red", label="p99")
    right.set_yscale("log")
    right.set_ylabel("p99 arrival to done, ms (log)", color="tab:red")
    right.axhline(100, color="tab:red", linewidth=0.6, alpha=0.5)
    lines = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(lines, ["offered", "throughput", "p99"], loc="upper left", fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


async def main(a: argparse.Namespace) -> list[dict[str, Any]]:
    vars(bench.inbound)["Run"] = MeasuredRun  # full_bot builds its Run and database by these names
    vars(bench.inbound)["new_db"] = own_database("redvest_load_curve")
    points = []
    for i, rate in enumerate(a.rates):  # the first with inbound's mix: its CPU per update, as inbound's
        r = await full_bot("postgres", a.users, rate, a.seconds, mix=i == 0)
        points.append(point(rate, r["paced"]))
        if i == 0:
            points[-1]["mix_cpu_ms_per_update"] = {
                "bot": round(r["cpu"] * 1000, 2),
                "postgres": round(r["server_cpu"] * 1000, 2),
            }
        print(f"offered {rate}/s: {points[-1]}", flush=True)
    plot(points, Path(a.png), f"full bot, PostgreSQL, {a.seconds:g} s open loop a rate (2 shared cores)")
    print(f"wrote {a.png} ({Path(a.png).stat().st_size // 1024} KB)")
    return points


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rates", type=int, nargs="+", default=[50, 100, 200, 300, 400])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--png", default=str(PNG))
    args = ap.parse_args()
    with contextlib.redirect_stdout(sys.stderr):
        result = asyncio.run(main(args))
    print(json.dumps(result))
