"""Time zones and daylight saving: each community's Friday, Monday and night are its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.jobs import digest as digest_job
from bot.jobs import retention as retention_job
from bot.jobs import service_day, visit_list
from bot.jobs.visit_list import evening_window, morning_window
from bot.scheduler import run_due
from bot.services.kernel.config import ScheduleConfig
from bot.services.kernel.periods import iso_week, nth_weekday, parse_week, week_range

from .support.town import at, job_runs, keys, seed_town

UTC_ = UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "friday, opens_utc",
    [
        ((2026, 10, 30), utc(2026, 10, 30, 12, 0)),  # EDT (UTC-4)
        ((2026, 11, 6), utc(2026, 11, 6, 13, 0)),  # EST (UTC-5): daylight saving ended on 1 November
    ],
)
def test_friday_morning_in_new_york_follows_the_clock_change(friday, opens_utc):
    sc = ScheduleConfig()
    _, opens, closes = morning_window(sc, "America/New_York", opens_utc + timedelta(hours=1))
    assert opens == opens_utc and closes == opens_utc + timedelta(hours=10)


async def test_the_list_waits_for_eight_oclock_new_york_time_after_the_change(core, clock, db):
    town = await seed_town(db, tz="America/New_York", volunteers=1)
    clock.set(utc(2026, 11, 6, 12, 59))  # 07:59 EST (it would be 08:59 under EDT)
    await run_due(core, jobs=[visit_list.JOB])
    assert await keys(db, "visit-list") == []
    clock.set(utc(2026, 11, 6, 13, 0))
    await run_due(core, jobs=[visit_list.JOB])
    assert await keys(db, "visit-list") == [f"visit-list:{town.vols[0].id}:2026-W45"]


def test_a_london_week_across_the_autumn_change_has_169_hours():
    wr = week_range("2026-W43", "Europe/London")
    assert wr.start == utc(2026, 10, 18, 23, 0)  # Monday 00:00 BST
    assert wr.end == utc(2026, 10, 26, 0, 0)  # Monday 00:00 GMT
    assert wr.end - wr.start == timedelta(hours=169)


@pytest.mark.parametrize(
    "monday, opens_utc, week",
    [
        ((2026, 10, 19), utc(2026, 10, 19, 7, 0), "2026-W42"),  # 08:00 BST
        ((2026, 10, 26), utc(2026, 10, 26, 8, 0), "2026-W43"),  # 08:00 GMT
    ],
)
def test_the_london_digest_is_at_eight_local_on_both_sides_of_the_change(monday, opens_utc, week):
    got_week, opens, closes = digest_job.digest_window(
        ScheduleConfig(), "Europe/London", opens_utc + timedelta(minutes=5)
    )
    assert (got_week, opens, closes) == (week, opens_utc, opens_utc + timedelta(hours=48))
    _, before, _ = digest_job.digest_window(ScheduleConfig(), "Europe/London", opens_utc - timedelta(minutes=1))
    assert before < opens_utc - timedelta(days=6)  # a minute early it is still last week's digest


async def test_a_retention_time_skipped_by_spring_forward_still_runs_that_day(core, clock, db, cfg):
    cfg.bot.timezone = "America/New_York"
    cfg.schedule.retention_time = "02:30"  # does not exist on 8 March 2026 in New York
    period, opens, _ = retention_job.retention_window(
        cfg.schedule.at("retention_time"), cfg.bot.timezone, utc(2026, 3, 8, 12, 0)
    )
    assert period == "2026-03-08" and opens == utc(2026, 3, 8, 7, 30)  # i.e. 03:30 EDT
    clock.set(utc(2026, 3, 8, 7, 30))
    await run_due(core, jobs=[retention_job.JOB])
    assert ("retention", "2026-03-08") in await job_runs(db)


async def test_friday_starts_in_shanghai_while_it_is_still_thursday_in_utc(core, clock, db):
    sh = await seed_town(db, tz="Asia/Shanghai", volunteers=1)
    lon = await seed_town(db, tz="UTC", volunteers=1, name="UTC 社区")
    clock.set(utc(2026, 11, 19, 23, 59))  # Thursday in UTC, 07:59 Friday in Shanghai
    await run_due(core, jobs=[visit_list.JOB])
    assert await keys(db, "visit-list") == []
    clock.set(utc(2026, 11, 20, 0, 0))  # 08:00 Friday in Shanghai, midnight in UTC
    await run_due(core, jobs=[visit_list.JOB])
    assert await keys(db, "visit-list") == [f"visit-list:{sh.vols[0].id}:2026-W47"]
    clock.set(utc(2026, 11, 20, 8, 0))
    await run_due(core, jobs=[visit_list.JOB])
    assert await keys(db, "visit-list") == [
        f"visit-list:{sh.vols[0].id}:2026-W47",
        f"visit-list:{lon.vols[0].id}:2026-W47",
    ]


def test_iso_weeks_are_cut_in_the_communitys_zone():
    sunday_night_utc = utc(2026, 11, 22, 17, 0)  # Monday 01:00 in Shanghai
    assert iso_week(sunday_night_utc, "Asia/Shanghai") == "2026-W48"
    assert iso_week(sunday_night_utc, "UTC") == "2026-W47"
    assert week_range("2026-W47", "Asia/Shanghai").start == at(2026, 11, 16, 0, 0)


def test_the_evening_window_closes_at_local_midnight():
    day, opens, closes = evening_window(ScheduleConfig(), "Asia/Shanghai", at(2026, 11, 20, 20, 0))
    assert (opens, closes) == (at(2026, 11, 20, 18, 0), at(2026, 11, 21, 0, 0))


@pytest.mark.parametrize(
    "rule, month, expected",
    [
        ("first mon", (2026, 12), (2026, 12, 7)),
        ("last fri", (2026, 11), (2026, 11, 27)),
        ("second sun", (2026, 3), (2026, 3, 8)),
        ("first tue", (2026, 12), (2026, 12, 1)),
    ],
)
def test_service_day_rules(rule, month, expected):
    assert nth_weekday(*month, rule).timetuple()[:3] == expected


def test_the_service_day_announcement_window_crosses_into_the_previous_month():
    sc = ScheduleConfig(service_day_rule="first tue")
    windows = service_day.announcement_windows(sc, "Asia/Shanghai", at(2026, 11, 30, 12, 0))
    day, opens, closes = windows[1]  # next month's: Tuesday 1 December, announced on 30 November
    assert day.isoformat() == "2026-12-01"
    assert (opens, closes) == (at(2026, 11, 30, 9, 0), at(2026, 12, 1, 9, 0))


@pytest.mark.parametrize("bad", ["2026-W54", "2026-47", "", "W47", "2026-W00", "１２３４-W01"])
def test_bad_weeks_are_refused(bad):
    with pytest.raises(ValueError):
        parse_week(bad)
