"""What bench/friday.py reports: the fan-out's rate from the sandbox's send times, and the one JSON
object of `--json` built from the measured numbers (`figures`), so a test can check it without a run."""

from __future__ import annotations

from typing import Any

from bench.fanout_limits import LIMIT_PER_SECOND
from bench.inbound_kit import pct


def fanout_rate(times: list[float]) -> tuple[float, float]:
    """(msg/s, span in s) of sends at these times: first to last, as bench/fanout_limits.report does."""
    if len(times) < 2:
        return 0.0, 0.0
    span = max(times) - min(times)
    return ((len(times) - 1) / span if span else 0.0), span


def figures(
    db: str,
    reminders: int,
    fan_times: list[float],
    rate_429: int,
    latencies: list[float],
    offered: int,
    offered_seconds: float,
    missing: int,
    steady: list[float] | None = None,
) -> dict[str, Any]:
    """The JSON of one database's run: fan-out share of Telegram's 30/s, 429s, inbound p50/p99 (ms)."""
    rate, span = fanout_rate(fan_times)
    return {
        "db": db,
        "reminders": reminders,
        "reminders_delivered": len(fan_times),
        "fanout_seconds": round(span, 1),
        "fanout_msg_per_s": round(rate, 2),
        "fanout_share_of_30": round(rate / LIMIT_PER_SECOND, 4),
        "rate_limited_429": rate_429,
        "inbound_updates": len(latencies),
        "inbound_offered": offered,
        "inbound_offered_per_s": round(offered / offered_seconds, 1) if offered_seconds else None,
        "inbound_p50_ms": round(pct(latencies, 0.5) * 1000, 1) if latencies else None,
        "inbound_p99_ms": round(pct(latencies, 0.99) * 1000, 1) if latencies else None,
        "steps_without_their_button": missing,
        # the open loop's commands at a steady rate once the mix is done (empty if the fan-out ended first)
        "steady_updates": len(steady or []),
        "steady_p50_ms": round(pct(steady, 0.5) * 1000, 1) if steady else None,
        "steady_p99_ms": round(pct(steady, 0.99) * 1000, 1) if steady else None,
    }


def verdict(f: dict[str, Any]) -> str:
    """One line against issue 19's goals: share ≥ 96%, no 429, inbound p99 < 100 ms."""
    p99 = f["inbound_p99_ms"]
    return (
        f"{f['db']}: fan-out {f['reminders_delivered']}/{f['reminders']} in {f['fanout_seconds']} s = "
        f"{f['fanout_msg_per_s']} msg/s = {f['fanout_share_of_30']:.1%} of 30/s (goal ≥ 96%); "
        f"429s {f['rate_limited_429']} (goal 0); inbound {f['inbound_updates']} updates "
        f"({f['inbound_offered_per_s']}/s offered on average) p50 {f['inbound_p50_ms']} ms, p99 {p99} ms "
        f"(goal < 100 ms); of which the steady open loop after the mix {f['steady_updates']} updates, "
        f"p50 {f['steady_p50_ms']} ms, p99 {f['steady_p99_ms']} ms"
    )
