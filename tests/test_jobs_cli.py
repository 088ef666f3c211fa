"""`redvest jobs list|run`: each job's last and next run; a job run now exactly as the scheduler
would, and recorded, so the scheduler does not run it again when its window opens."""

from __future__ import annotations

from bot.cli.jobs import _list, _run_now
from bot.jobs import visit_list
from bot.scheduler import next_due, run_due

from .support.town import at, job_runs, keys, seed_town


async def test_the_friday_lists_can_be_sent_on_a_monday_and_not_again_on_friday(core, clock, db, capsys):
    town = await seed_town(db, volunteers=2)
    v1, v2 = town.vols
    clock.set(at(2026, 11, 16, 10, 0))  # Monday of week 47
    [due] = await next_due(core, visit_list.JOB)
    assert due.opens == at(2026, 11, 20, 8, 0)  # this Friday's morning
    assert await _run_now(core, visit_list.JOB, None) == 0
    assert "visit-list c" in capsys.readouterr().out
    assert await keys(db, "visit-list") == [f"visit-list:{v1.id}:2026-W47", f"visit-list:{v2.id}:2026-W47"]
    assert ("visit-list", f"c{town.community.id}:2026-W47") in await job_runs(db)

    clock.set(at(2026, 11, 20, 8, 0))  # Friday morning: the scheduler sees it done
    assert "visit-list" not in {d.job for d in await run_due(core)}
    assert len(await keys(db, "visit-list")) == 2
    capsys.readouterr()
    assert await _run_now(core, visit_list.JOB, None) == 0  # run again: this week's is done, so next week's
    assert "2026-W48" in capsys.readouterr().out


async def test_a_run_can_be_kept_to_one_community(core, clock, db, capsys):
    first = await seed_town(db, volunteers=1)
    second = await seed_town(db, volunteers=1, name="第二社区")
    clock.set(at(2026, 11, 17, 10, 0))
    assert await _run_now(core, visit_list.JOB, second.community.id) == 0
    done = {period for job, period in await job_runs(db) if job == "visit-list"}
    assert done == {f"c{second.community.id}:2026-W47"}
    assert f"c{first.community.id}:" not in capsys.readouterr().out


async def test_jobs_list_says_when_each_job_last_ran_and_runs_next(core, clock, db, capsys):
    await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 18, 10, 0))  # Wednesday
    assert await _list(core) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert {"visit-list", "visit-reminder", "weekly-digest", "escalation-check", "retention"} <= set(rows)
    assert "never" in rows["visit-list"] and "Fri 2026-11-20 08:00" in rows["visit-list"]
    assert "Fri 2026-11-20 18:00" in rows["visit-reminder"]
    assert "Mon 2026-11-23 08:00" in rows["weekly-digest"]
    assert "now (due)" in rows["escalation-check"]
    await _run_now(core, visit_list.JOB, None)
    capsys.readouterr()
    await _list(core)
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "Wed 2026-11-18 10:00" in rows["visit-list"] and "Fri 2026-11-27 08:00" in rows["visit-list"]
