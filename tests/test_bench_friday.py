"""The Friday bench's figures and the capacity arithmetic (issue 19, points 6 and 10): assembled from
given numbers, so nothing here runs a bench or times anything."""

from __future__ import annotations

import math

from bench.capacity import TELEGRAM_FREE_PER_SECOND, Friday, plan
from bench.friday_figures import fanout_rate, figures, verdict
from bench.load_curve import point


def test_the_fanout_rate_is_first_to_last_send():
    assert fanout_rate([10.0, 10.5, 11.0]) == (2.0, 1.0)
    assert fanout_rate([3.0]) == (0.0, 0.0)


def test_the_json_has_the_three_goals_of_point_6():
    times = [i / 29 for i in range(2000)]  # a sender at exactly 29 a second
    f = figures("postgres", 2000, times, 0, [0.01] * 98 + [0.05, 0.2], 2000, 20.0, 0)
    assert f["fanout_share_of_30"] == round(29 / 30, 4)
    assert f["reminders_delivered"] == 2000 and f["rate_limited_429"] == 0
    assert (f["inbound_p50_ms"], f["inbound_p99_ms"]) == (10.0, 200.0)
    assert f["inbound_offered_per_s"] == 100.0
    assert "96.7% of 30/s" in verdict(f)


def test_no_inbound_update_gives_no_percentile():
    f = figures("sqlite", 10, [0.0, 1.0], 3, [], 0, 0.0, 5)
    assert f["inbound_p99_ms"] is None and f["inbound_offered_per_s"] is None
    assert f["steps_without_their_button"] == 5


def test_capacity_follows_from_the_assumptions():
    f = Friday(households=1_000_000, updates_per_household=2.4, peak_hour_share=0.2, peak_factor=2.0)
    p = plan(f, bot_cpu_ms=3.0, pg_cpu_ms=1.0)
    peak = 1_000_000 * 2.4 * 0.2 / 3600 * 2.0
    assert p["peak_updates_per_s"] == round(peak, 1)
    assert p["workers"] == math.ceil(peak * 3.0 / 1000 / f.utilisation)
    assert p["pg_cores"] == math.ceil(peak * 1.0 / 1000 / f.utilisation)
    assert p["reminders"] == 100_000
    assert p["peak_sends_vs_telegram_free"] == round(peak / TELEGRAM_FREE_PER_SECOND, 1)


def test_a_small_town_needs_one_of_each():
    p = plan(Friday(households=1000), bot_cpu_ms=3.0, pg_cpu_ms=1.0)
    assert (p["workers"], p["pg_cores"]) == (1, 1)


def test_a_point_of_the_load_curve():
    paced = dict(n=1000, busy=5.0, p50=0.004, p99=0.25)
    assert point(200, paced) == dict(offered=200, throughput=200.0, p50_ms=4.0, p99_ms=250.0)
    cores = dict(bot=0.9, machine=1.8)
    p = point(200, paced | dict(cores=cores, cpu_ms_per_update=dict(bot=4.5)))
    assert p["cores"] == cores and p["cpu_ms_per_update"] == dict(bot=4.5)
