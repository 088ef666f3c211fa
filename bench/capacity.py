"""Scale-out on paper (issue 19, point 10): webhook workers and database for a city's Friday peak,
from the measured CPU per update of the bot and of the PostgreSQL server.

    .venv/bin/python bench/capacity.py --bot-cpu-ms 2.8 --pg-cpu-ms 1.2   # the figures of inbound --quick

Pure arithmetic: `plan` takes the assumptions (`Friday`) and the two measured figures, and returns
the rates and sizes; docs/performance.md states the assumptions and the figures it was run with.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass
from typing import Any

TELEGRAM_FREE_PER_SECOND = 30  # a bot's sends and edits a second (the sandbox's limit)
PAID_PER_SECOND = 950  # the outbox's pace with paid broadcasts (outbox.paid_per_second)


@dataclass(frozen=True)
class Friday:
    """The assumptions about a city's Friday."""

    households: int = 1_000_000
    updates_per_household: float = 2.4  # a Friday's updates per household (requests, rating, visits, /points)
    peak_hour_share: float = 0.2  # of the day's updates, in its busiest hour
    peak_factor: float = 2.0  # the busiest minute against the busiest hour's mean
    households_per_volunteer: float = 10.0  # one Friday reminder per volunteer
    sends_per_update: float = 1.0  # a reply or an edit per update, against Telegram's per-bot limit
    utilisation: float = 0.6  # of a core, at most, at the peak (headroom for bursts and GC)


def plan(f: Friday, bot_cpu_ms: float, pg_cpu_ms: float) -> dict[str, Any]:
    """Workers (one process = one core at most: Python's event loop) and database cores."""
    day = f.households * f.updates_per_household
    peak = day * f.peak_hour_share / 3600 * f.peak_factor  # updates/s at the busiest minute
    bot_cores = peak * bot_cpu_ms / 1000
    pg_cores = peak * pg_cpu_ms / 1000
    reminders = f.households / f.households_per_volunteer
    return {
        "assumptions": asdict(f),
        "bot_cpu_ms_per_update": bot_cpu_ms,
        "pg_cpu_ms_per_update": pg_cpu_ms,
        "updates_per_friday": round(day),
        "peak_updates_per_s": round(peak, 1),
        "bot_cores_at_peak": round(bot_cores, 2),
        "workers": max(1, math.ceil(bot_cores / f.utilisation)),
        "pg_cores_at_peak": round(pg_cores, 2),
        "pg_cores": max(1, math.ceil(pg_cores / f.utilisation)),
        "reminders": round(reminders),
        "reminders_minutes_free": round(reminders / TELEGRAM_FREE_PER_SECOND / 60, 1),
        "reminders_minutes_paid": round(reminders / PAID_PER_SECOND / 60, 1),
        "peak_sends_per_s": round(peak * f.sends_per_update, 1),
        "peak_sends_vs_telegram_free": round(peak * f.sends_per_update / TELEGRAM_FREE_PER_SECOND, 1),
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bot-cpu-ms", type=float, required=True, help="bot_cpu_ms_per_update of inbound --quick")
    ap.add_argument("--pg-cpu-ms", type=float, required=True, help="the PostgreSQL server's CPU per update")
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--updates-per-household", type=float, default=2.4)
    ap.add_argument("--peak-hour-share", type=float, default=0.2)
    a = ap.parse_args()
    f = Friday(
        households=a.households, updates_per_household=a.updates_per_household, peak_hour_share=a.peak_hour_share
    )
    print(json.dumps(plan(f, a.bot_cpu_ms, a.pg_cpu_ms), indent=1))
