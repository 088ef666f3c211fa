"""`redvest jobs list` and `redvest jobs run NAME`: the scheduled jobs, when each last ran and runs
next, and running one now exactly as the scheduler would (and recorded, so it does not run again
when its time comes): see a Friday reminder on a Tuesday without editing the schedule."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.jobs import Job, all_jobs
from bot.scheduler import next_due, run_one
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.services.kernel.periods import aware, zone
from storage import jobs as job_runs

from .core import cli_core
from .errors import CliError


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser(
        "jobs",
        help="list the scheduled jobs, or run one now as the scheduler would",
        description="list: each job, when it last finished and when it runs next (in bot.timezone). "
        "run NAME: its current or next period now (the Friday lists on a Tuesday), recorded as done, so "
        "the scheduler does not run it again; the messages go out through the outbox of the running bot.",
    )
    p.add_argument("action", choices=["list", "run"])
    p.add_argument("name", nargs="?", help="the job to run (see `redvest jobs list`)")
    p.add_argument("--community", type=int, metavar="ID", help="only this community's period (run)")
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    by_name = {j.name: j for j in all_jobs()}
    if args.action == "run":
        if args.name not in by_name:
            raise CliError(f"jobs run needs a job's name, one of: {', '.join(by_name)}")
        return asyncio.run(_with_core(cfg, lambda core: _run_now(core, by_name[args.name], args.community)))
    return asyncio.run(_with_core(cfg, _list))


async def _with_core(cfg: Config, work: Callable[[Core], Awaitable[int]]) -> int:
    async with cli_core(cfg) as core:
        return await work(core)


def _when(core: Core, at: datetime) -> str:
    return aware(at).astimezone(zone(core.cfg.bot.timezone)).strftime("%a %Y-%m-%d %H:%M")


async def _list(core: Core) -> int:
    async with core.db.reading() as s:
        last = await job_runs.last_success(s)
    now = core.clock.now()
    print(f"{'job':<22} {'last done':<22} next run ({core.cfg.bot.timezone})")
    for job in all_jobs():
        dues = await next_due(core, job, now)
        if not dues:
            upcoming = "nothing within 15 days"
        else:
            opens = min(d.opens for d in dues)
            upcoming = "now (due)" if opens <= now else _when(core, opens)
            upcoming += f"  [{len(dues)} period{'s' if len(dues) != 1 else ''}]"
        done = _when(core, last[job.name]) if job.name in last else "never"
        print(f"{job.name:<22} {done:<22} {upcoming}")
    return 0


async def _run_now(core: Core, job: Job, community: int | None) -> int:
    dues = await next_due(core, job)
    if community is not None:
        dues = [d for d in dues if d.period.startswith(f"c{community}:")]
    if not dues:
        print(f"{job.name}: nothing to run (no period within 15 days that is not done already)")
        return 1
    early = [d for d in dues if d.opens > core.clock.now()]
    if early and job.report_of_past is not None:
        d = early[0]
        print(
            f"{job.name} {d.period}: not run. That period is not over yet: the scheduler sends it at "
            f"{_when(core, d.opens)} ({core.cfg.bot.timezone}). Sent now, it would hold half the period's "
            f"figures and the period would count as done. Instead, {job.report_of_past(d)}."
        )
        return 1
    failed = 0
    for d in dues:
        sent = await run_one(core, job, d)
        if sent is None:
            failed += 1
            print(f"{job.name} {d.period}: failed (see the log); the scheduler tries again in its window")
        else:
            print(f"{job.name} {d.period}: done, {sent} message(s) queued; the running bot sends them")
    return 1 if failed else 0
