"""What bench/inbound.py prints: the summary lines, and the one JSON object of `--json` built from the
measured numbers (`figures`), so a test can check its keys without running the bench."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from bench.sqlcount import UNATTRIBUTED


@dataclass(frozen=True)
class Echo:
    """An echo bot's run: updates/s and its process's CPU seconds per update."""

    ups: float
    cpu: float


def _r(x: float, digits: int = 2) -> float:
    return round(x, digits)


def figures(baseline: Echo, ceiling: Echo, aiogram: Echo, runs: list[dict[str, Any]], rate: int) -> dict[str, Any]:
    """The JSON of a run: `runs` are bench/inbound.py full_bot's results (one a database)."""
    out: dict[str, Any] = {
        "ptb_echo_ups": _r(baseline.ups, 0),  # issue 9's baseline: default settings, httpx, sequential
        "ptb_ceiling_ups": _r(ceiling.ups, 0),  # the bot's settings: aiohttp, 64 updates at once
        "aiogram_ceiling_ups": _r(aiogram.ups, 0),  # aiogram 3, its aiohttp session, 64 at once
        "echo_cpu_ms_per_update": _r(ceiling.cpu * 1000, 3),  # the PTB ceiling's
        "aiogram_cpu_ms_per_update": _r(aiogram.cpu * 1000, 3),
    }
    n = sum(r["n"] for r in runs)
    out["bot_cpu_ms_per_update"] = _r(sum(r["cpu"] * r["n"] for r in runs) / n * 1000, 3) if n else None
    out["bot_cpu_ms_per_update_by_db"] = {r["kind"]: _r(r["cpu"] * 1000, 3) for r in runs}
    for r in runs:
        db = r["kind"]
        out[f"{db}_ups"] = _r(r["rate"], 0)
        out[f"{db}_ratio"] = _r(r["rate"] / ceiling.ups, 3)  # against the PTB ceiling
        out[f"{db}_vs_aiogram"] = _r(r["rate"] / aiogram.ups, 3)
        out[f"{db}_vs_ptb_echo"] = _r(r["rate"] / baseline.ups, 3)
        out[f"{db}_order_kept"] = bool(r["order"])
    paced = {r["kind"]: r["paced"] for r in runs if r.get("paced")}
    main = paced.get("postgres") or next(iter(paced.values()), None)
    out[f"p99_ms_{rate}"] = _r(main["p99"] * 1000, 1) if main else None
    out[f"p50_ms_{rate}"] = _r(main["p50"] * 1000, 1) if main else None
    out[f"p99_ms_{rate}_by_db"] = {db: _r(p["p99"] * 1000, 1) for db, p in paced.items()}
    kinds = {r["kind"]: {k: v for k, v in r["per_kind"].items() if k != UNATTRIBUTED} for r in runs}
    out["statements_per_update"] = {db: {k: v["statements"] for k, v in ks.items()} for db, ks in kinds.items()}
    out["round_trips_per_update"] = {db: {k: v["round_trips"] for k, v in ks.items()} for db, ks in kinds.items()}
    out["orm_objects_per_update"] = {db: {k: v["orm_objects"] for k, v in ks.items()} for db, ks in kinds.items()}
    out["per_kind"] = {r["kind"]: r["per_kind"] for r in runs}  # with the gate's rounds and the unattributed
    return out


def print_summary(baseline: Echo, ceiling: Echo, aiogram: Echo, runs: list[dict[str, Any]], rate: int) -> None:
    print("\n== summary")
    print(
        f"echo bots: PTB {baseline.ups:,.0f} updates/s (default settings: issue 9's baseline); "
        f"PTB's ceiling (aiohttp, 64 at once) {ceiling.ups:,.0f}/s, {ceiling.cpu * 1000:.2f} ms of CPU per update; "
        f"aiogram 3 (its aiohttp session, 64 at once) {aiogram.ups:,.0f}/s, {aiogram.cpu * 1000:.2f} ms"
    )
    for r in runs:
        print(
            f"full bot on {r['kind']}: {r['n']} updates in {r['busy']:.1f} s busy = {r['rate']:,.0f} updates/s "
            f"({r['rate'] / ceiling.ups:.2f}× PTB's ceiling, {r['rate'] / aiogram.ups:.2f}× aiogram, "
            f"{r['rate'] / baseline.ups:.2f}× the default PTB echo); bot CPU {r['cpu'] * 1000:.2f} ms/update; "
            f"gate time p50 {r['p50'] * 1000:.1f} ms, p99 {r['p99'] * 1000:.1f} ms; up to {r['max_in_flight']} "
            f"updates in flight at once; per-person order kept: {'yes' if r['order'] else 'NO'} ({r['several']} "
            f"people with several updates); steps without the expected button: {r['missing']}"
        )
        machine = r["cpu"] + r["sandbox_cpu"] + (r["server_cpu"] if r["kind"] == "postgres" else 0.0)
        cores = os.cpu_count() or 1
        print(
            f"  CPU per update of the mix: bot {r['cpu'] * 1000:.2f} ms, sandbox {r['sandbox_cpu'] * 1000:.2f} ms"
            + (f", PostgreSQL server {r['server_cpu'] * 1000:.2f} ms" if r["kind"] == "postgres" else "")
            + f"; all of it spread perfectly over this machine's {cores} cores would allow at most "
            f"{cores / machine:,.0f} updates/s = {cores / machine / ceiling.ups:.2f}× PTB's ceiling"
        )
        print("  SQL per update, by kind (the gate's shared rounds included; of which the gate's):")
        for kind, c in r["per_kind"].items():
            if kind == UNATTRIBUTED:
                print(f"    {kind:<12} {c['statements']:.0f} statements, {c['round_trips']:.0f} round trips in all")
            else:
                print(
                    f"    {kind:<12} {c['updates']:>5.0f} updates: {c['statements']:5.2f} statements, "
                    f"{c['round_trips']:5.2f} round trips (gate {c['gate_statements']:.2f} / {c['gate_round_trips']:.2f}), "
                    f"{c['orm_objects']:.2f} ORM objects"
                )
        p = r["paced"]
        if p:
            print(
                f"  open loop at {rate}/s ({p['offered']}): {p['n']} handled in {p['busy']:.1f} s; latency from "
                f"arrival to done p50 {p['p50'] * 1000:.1f} ms, p99 {p['p99'] * 1000:.1f} ms; "
                f"gate time p50 {p['hp50'] * 1000:.1f} ms, p99 {p['hp99'] * 1000:.1f} ms; garbage collector: "
                f"{p['gc_n']} runs, longest {p['gc_max'] * 1000:.1f} ms, {p['gc_total'] * 1000:.0f} ms in all"
            )
            print(
                "    by place in each person's three (each waits for the one before: per-person order): "
                + "; ".join(
                    f"#{k + 1} p50 {a * 1000:.1f} ms, p99 {b * 1000:.1f} ms" for k, (a, b) in enumerate(p["places"])
                )
            )
