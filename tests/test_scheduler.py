"""The scheduler decides from database rows what is due: a normal week, downtime, a restart in
the middle of a fan-out, two schedulers at once. Driven by a FakeClock, no real waiting."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot import scheduler
from bot.jobs import Job, visit_list, visit_overview, visit_reminder
from bot.jobs import digest as digest_job
from bot.outbox.notifier import OutboxNotifier
from bot.scheduler import Ticker, due_jobs, run_due
from bot.services.kernel import fanout
from storage.db import Database

from .support.town import at, core_on, job_runs, keys, log_visit, seed_town

VISIT_JOBS = [visit_list.JOB, visit_reminder.JOB, visit_overview.JOB]


def names(dues) -> set[str]:
    return {d.job for d in dues}


async def test_a_normal_week_sends_each_thing_once_at_its_time(core, clock, db):
    town = await seed_town(db, volunteers=2)
    v1, v2 = town.vols
    cid = town.community.id

    clock.set(at(2026, 11, 20, 7, 59))  # Friday, a minute early
    assert "visit-list" not in names(await run_due(core))
    assert await keys(db, "visit-") == []

    clock.set(at(2026, 11, 20, 8, 0))
    assert "visit-list" in names(await run_due(core))
    assert await keys(db, "visit-") == [f"visit-list:{v1.id}:2026-W47", f"visit-list:{v2.id}:2026-W47"]
    assert ("visit-list", f"c{cid}:2026-W47") in await job_runs(db)

    for minute in (1, 2, 240):  # later ticks the same morning: nothing new
        clock.set(at(2026, 11, 20, 8, 0) + timedelta(minutes=minute))
        assert "visit-list" not in names(await run_due(core))
    assert len(await keys(db, "visit-")) == 2

    for h in town.homes[v1.id]:  # volunteer 1 logs everything during the day
        await log_visit(db, h, v1, "2026-W47")
    clock.set(at(2026, 11, 20, 18, 0))
    assert {"visit-reminder", "visit-overview"} <= names(await run_due(core))
    assert await keys(db, "visit-reminder") == [f"visit-reminder:{v2.id}:2026-W47"]
    assert await keys(db, "visit-overview") == [f"visit-overview:{town.grid.id}:2026-W47:{town.leader.id}"]

    clock.set(at(2026, 11, 21, 9, 0))  # Saturday: nothing about visits
    assert not names(await run_due(core)) & {"visit-list", "visit-reminder", "visit-overview"}

    clock.set(at(2026, 11, 23, 8, 0))  # Monday: the digest of week 47
    assert "weekly-digest" in names(await run_due(core))
    digest_keys = await keys(db, "digest:")
    assert f"digest:grid:{town.grid.id}:2026-W47:{town.leader.id}:text" in digest_keys
    assert f"digest:community:{cid}:2026-W47:{town.admin.id}:text" in digest_keys
    clock.set(at(2026, 11, 24, 8, 0))
    assert "weekly-digest" not in names(await run_due(core))
    assert await keys(db, "digest:") == digest_keys


async def test_downtime_across_friday_morning_catches_up_while_the_window_is_open(core, clock, db):
    town = await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 20, 14, 0))  # the bot comes up at 14:00 on Friday
    assert "visit-list" in names(await run_due(core))
    assert await keys(db, "visit-list") == [f"visit-list:{town.vols[0].id}:2026-W47"]


async def test_a_bot_that_comes_back_on_saturday_does_not_send_fridays_reminders(core, clock, db):
    await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 21, 9, 0))
    ran = await run_due(core)
    assert not names(ran) & {"visit-list", "visit-reminder", "visit-overview"}
    assert await keys(db, "visit-") == []


async def test_the_evening_reminder_runs_late_until_midnight_and_not_after(core, clock, db):
    await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 20, 23, 30))
    assert "visit-reminder" in names(await run_due(core, jobs=VISIT_JOBS))
    other = await seed_town(db, volunteers=1, name="另一个社区")
    clock.set(at(2026, 11, 21, 0, 1))
    await run_due(core, jobs=VISIT_JOBS)
    assert await keys(db, f"visit-reminder:{other.vols[0].id}") == []


@pytest.mark.parametrize("up_at, sent", [((2026, 11, 24, 10, 0), True), ((2026, 11, 25, 9, 0), False)])
async def test_a_late_digest_goes_out_within_48_hours_only(core, clock, db, up_at, sent):
    await seed_town(db, volunteers=1)
    clock.set(at(*up_at))
    assert ("weekly-digest" in names(await run_due(core, jobs=[digest_job.JOB]))) is sent


class FlakyNotifier(OutboxNotifier):
    """Queues `chunks` chunks of a fan-out, then the database "goes away" (mid-transaction)."""

    def __init__(self, clock, chunks: int) -> None:
        super().__init__(clock)
        self.left = chunks

    async def send_many(self, session, items):
        if self.left <= 0:
            await super().send_many(session, items[:1])  # half-written when the connection drops
            raise ConnectionError("database connection lost")
        self.left -= 1
        return await super().send_many(session, items)


async def test_a_restart_in_the_middle_of_a_fan_out_completes_it_without_duplicates(core, clock, db, cfg, monkeypatch):
    monkeypatch.setattr(fanout, "CHUNK", 2)
    town = await seed_town(db, volunteers=5, homes_each=1)
    clock.set(at(2026, 11, 20, 8, 0))
    crashing = core_on(db, clock, cfg)
    crashing.notifier = FlakyNotifier(clock, chunks=1)
    assert await run_due(crashing, jobs=[visit_list.JOB]) == []
    half = await keys(db, "visit-list")
    assert len(half) == 2  # the first chunk committed, the second rolled back
    assert not {j for j, _ in await job_runs(db)} & {"visit-list"}

    clock.set(at(2026, 11, 20, 8, 3))  # restarted a few minutes later
    assert names(await run_due(core, jobs=[visit_list.JOB])) == {"visit-list"}
    done = await keys(db, "visit-list")
    assert sorted(done) == sorted(f"visit-list:{v.id}:2026-W47" for v in town.vols)
    assert half == done[:2]  # the first rows were kept, not re-queued


async def test_two_schedulers_at_once_queue_every_message_once(clock, cfg, any_db):
    town = await seed_town(any_db, volunteers=6, homes_each=1)
    other_process = Database(any_db.url)
    try:
        clock.set(at(2026, 11, 20, 8, 0))
        a, b = core_on(any_db, clock, cfg), core_on(other_process, clock, cfg)
        await asyncio.gather(run_due(a, jobs=VISIT_JOBS), run_due(b, jobs=VISIT_JOBS))
        clock.set(at(2026, 11, 20, 18, 0))
        await asyncio.gather(run_due(a, jobs=VISIT_JOBS), run_due(b, jobs=VISIT_JOBS), run_due(a, jobs=VISIT_JOBS))
    finally:
        await other_process.dispose()
    got = await keys(any_db, "visit-")
    assert len(got) == len(set(got))
    assert sorted(got) == sorted(
        [f"visit-list:{v.id}:2026-W47" for v in town.vols]
        + [f"visit-reminder:{v.id}:2026-W47" for v in town.vols]
        + [f"visit-overview:{town.grid.id}:2026-W47:{town.leader.id}"]
    )


async def test_due_jobs_reports_open_periods_without_running_them(core, clock, db):
    town = await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 20, 9, 0))
    dues = [d for d in await due_jobs(core) if d.job == "visit-list"]
    assert [(d.period, d.opens, d.closes) for d in dues] == [
        (f"c{town.community.id}:2026-W47", at(2026, 11, 20, 8, 0), at(2026, 11, 20, 18, 0))
    ]
    assert await keys(db) == []


async def test_the_ticker_runs_only_on_the_elected_process(core, clock, db):
    await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 20, 8, 5))
    follower = Ticker(core, is_leader=lambda: False)
    assert await follower.tick() == []
    assert await keys(db, "visit-list") == []

    async def elected() -> bool:
        return True

    assert "visit-list" in names(await Ticker(core, is_leader=elected).tick())


async def test_a_failing_job_does_not_stop_the_others(core, clock, db):
    await seed_town(db, volunteers=1)

    async def broken(core, d):
        raise RuntimeError("boom")

    jobs = [Job(visit_list.NAME, visit_list.due, broken), visit_reminder.JOB]
    clock.set(at(2026, 11, 20, 17, 0))
    assert await run_due(core, jobs=jobs) == []
    assert not {j for j, _ in await job_runs(db)} & {"visit-list"}  # tried again on the next tick
    clock.set(at(2026, 11, 20, 19, 0))
    assert names(await run_due(core, jobs=jobs)) == {"visit-reminder"}


async def test_start_registers_a_minute_tick_with_an_explicit_misfire_grace(db, cfg):
    from bot.app import build_application

    app = build_application(cfg, db, run_sender=False, run_scheduler=True)
    await scheduler.start(app)
    try:
        jobs = {j.name: j.job for j in app.job_queue.jobs()}
        assert set(jobs) == {"redvest-catch-up", "redvest-tick"}
        for job in jobs.values():
            assert (
                job.misfire_grace_time == cfg.schedule.misfire_grace_seconds and job.coalesce and job.max_instances == 1
            )
        assert "second='2'" in str(jobs["redvest-tick"].trigger)
    finally:
        await scheduler.stop(app)


async def test_jobs_run_sends_friday_lists_ahead_but_never_a_report_of_a_period_not_over(core, clock, db, capsys):
    """`redvest jobs run` on a Tuesday: the Friday lists go (what they hold is the day ahead), but
    next Monday's digest, the month's unit reports and honour list are refused with the day they go
    and what shows them so far: sent now they would hold half a period and mark it done."""
    from bot.cli.jobs import _run_now
    from bot.jobs import honour_list, unit_reports

    town = await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 24, 10, 0))  # Tuesday of week 48; week 47's digest went out yesterday
    await run_due(core)  # the scheduler's own runs of today (week 47's digest among them)
    before = await job_runs(db)
    said_of: list[str] = []

    assert await _run_now(core, visit_list.JOB, None) == 0  # Friday's lists, on Tuesday
    assert ("visit-list", f"c{town.community.id}:2026-W48") in await job_runs(db)
    for job, period in (
        (digest_job.JOB, f"c{town.community.id}:2026-W48"),
        (unit_reports.JOB, "units:2026-11"),
        (honour_list.JOB, f"c{town.community.id}:2026-11"),
    ):
        capsys.readouterr()
        assert await _run_now(core, job, None) == 1
        said = capsys.readouterr().out
        said_of.append(said)
        assert f"{job.name} {period}: not run. That period is not over yet" in said
        assert job.report_of_past is not None and job.report_of_past((await scheduler.next_due(core, job))[0]) in said
        assert (job.name, period) not in await job_runs(db)
    assert f"`redvest digest --community {town.community.id} --week 2026-W48` prints the week so far" in said_of[0]
    assert {r for r in await job_runs(db) if r[0] == "weekly-digest"} == {r for r in before if r[0] == "weekly-digest"}
    assert not [k for k in await keys(db, "digest:") if "2026-W48" in k]  # nothing of week 48 queued

    clock.set(at(2026, 11, 30, 8, 0))  # Monday: week 48's digest goes as always
    assert "weekly-digest" in names(await run_due(core))
    assert [k for k in await keys(db, "digest:") if "2026-W48" in k]
