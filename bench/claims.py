"""Claims at city scale: accept a task, list a volunteer's open tasks, read a household's ledger.

    .venv/bin/python bench/claims.py                  # on the city of bench/digests.py --build (PostgreSQL)
    .venv/bin/python bench/claims.py --explain        # also EXPLAIN ANALYZE every statement of each call
    .venv/bin/python bench/claims.py --url sqlite+aiosqlite:////tmp/city20.db     # the 1/20 city on SQLite

Calls the real services on the city built by bench/city.py (1,000,000 requests, 850,000
assignments, 720,000 door visits): `claim_task` for --n open requests, each by an approved volunteer
of the request's grid; `my_tasks` for --n volunteers; `ledger_of` (the household's 民情台账) for --n
households by their paired volunteer. Before the first run 2,000,000 sent notifications are put in
the outbox (what 120 days of retention keep for a city: cards, leader cards, visit lists). Each call is timed on its own, wall clock, one at a time;
prints the median and p90 (target: each median under 5 ms). The claims are rolled back afterwards
(the city stays as built). With --explain, the SQL each call runs is captured and shown with
PostgreSQL's EXPLAIN (ANALYZE) plan.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select, text, update

from bench.digests import PG_CITY, city_core
from bot.services.kernel.core import Core
from bot.services.kernel.roles import Actor
from bot.services.requests import claim_task, my_tasks
from bot.services.visits.ledger import ledger_of
from storage.models import Assignment, AuditEntry, Grid, HelpRequest, OutboxMessage, Pairing, Person, VolunteerProfile


def ms(xs: list[float]) -> str:
    cpu = CPU.get(id(xs))
    xs = sorted(xs)
    return (
        f"median {statistics.median(xs) * 1000:.2f} ms, p90 {xs[int(len(xs) * 0.9)] * 1000:.2f} ms, max {xs[-1] * 1000:.2f} ms"
        + (f" (this process's CPU: median {cpu * 1000:.2f} ms a call)" if cpu is not None else "")
    )


async def actor_of(core: Core, person_id: int) -> Actor:
    async with core.db.session() as s:
        p = await s.get(Person, person_id)
    assert p is not None and p.tg_user_id is not None  # picked from the city's volunteers
    return Actor(p.tg_user_id, p.name, language=p.language)


async def pick(core: Core, n: int) -> tuple[list[tuple[Actor, int]], list[Actor], list[tuple[Actor, int]]]:
    """n (volunteer, open request of their grid), n volunteers with tasks, n (volunteer, paired household)."""
    async with core.db.session() as s:
        grids = list((await s.execute(select(col(Grid.id)).order_by(col(Grid.id)))).scalars())
        claims = []
        for i in range(n):
            gid = grids[i % len(grids)]
            req = (
                await s.execute(
                    select(col(HelpRequest.id))
                    .where(
                        col(HelpRequest.grid_id) == gid,
                        col(HelpRequest.status) == "open",
                        col(HelpRequest.slots_taken) < col(HelpRequest.slots),
                    )
                    .order_by(col(HelpRequest.id))
                    .offset(i // len(grids))
                    .limit(1)
                )
            ).scalar_one()
            vol = (
                await s.execute(
                    select(col(VolunteerProfile.person_id))
                    .where(col(VolunteerProfile.grid_id) == gid, col(VolunteerProfile.status) == "approved")
                    .order_by(col(VolunteerProfile.person_id))
                    .offset(i // len(grids))
                    .limit(1)
                )
            ).scalar_one()
            assert vol is not None and req is not None
            claims.append((vol, req))
        busy = list(
            (
                await s.execute(
                    select(col(Assignment.volunteer_id)).distinct().order_by(col(Assignment.volunteer_id)).limit(n)
                )
            ).scalars()
        )
        pairs = (
            await s.execute(
                select(col(Pairing.volunteer_id), col(Pairing.household_id))
                .where(col(Pairing.active) == True)  # noqa: E712
                .order_by(col(Pairing.id))
                .limit(n)
            )
        ).all()
    return (
        [(await actor_of(core, v), r) for v, r in claims],
        [await actor_of(core, v) for v in busy],
        [(await actor_of(core, v), h) for v, h in pairs],
    )


CPU: dict[int, float] = {}  # this process's median CPU per call, by the list of wall times it belongs to


async def timed(calls: list[Callable[[], Awaitable[Any]]]) -> list[float]:
    out: list[float] = []
    cpu: list[float] = []
    for call in calls:
        c0, t0 = time.process_time(), time.perf_counter()
        await call()
        out.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[id(out)] = statistics.median(cpu)
    return out


class Capture:
    """The SQL statements (and parameters) the engine runs while on."""

    def __init__(self, core: Core) -> None:
        self.on = False
        self.seen: list[tuple[str, Any]] = []

        @event.listens_for(core.db.engine.sync_engine, "before_cursor_execute")
        def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            if self.on:  # an executemany (the outbox rows of one call): the plan of its first row
                self.seen.append((statement, parameters[0] if executemany else parameters))


class StatementTimes:
    """Wall time of each statement the engine runs while on (driver round trip included), by statement."""

    def __init__(self, core: Core) -> None:
        self.on = False
        self.times: dict[str, list[float]] = {}

        @event.listens_for(core.db.engine.sync_engine, "before_cursor_execute")
        def start(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            context._bench_t0 = time.perf_counter()

        @event.listens_for(core.db.engine.sync_engine, "after_cursor_execute")
        def stop(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            if self.on:
                self.times.setdefault(" ".join(statement.split())[:90], []).append(
                    time.perf_counter() - context._bench_t0
                )

    def report(self, title: str) -> None:
        print(f"    {title}, per statement (median / p90 / max ms, calls):")
        for sql, xs in self.times.items():
            xs = sorted(xs)
            print(
                f"      {statistics.median(xs) * 1000:6.2f} {xs[int(len(xs) * 0.9)] * 1000:6.2f} {xs[-1] * 1000:7.2f} "
                f"{len(xs):4d}  {sql}"
            )
        self.times = {}


async def explain(core: Core, cap: Capture, title: str, call: Callable[[], Awaitable[Any]]) -> None:
    cap.seen, cap.on = [], True
    await call()
    cap.on = False
    print(f"\n### {title}: {len(cap.seen)} statements")
    spent = 0.0
    async with core.db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None  # asyncpg's connection
        for sql, params in cap.seen:
            if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
                continue
            tr = raw.transaction()
            await tr.start()
            try:
                rows = await raw.fetch("EXPLAIN (ANALYZE, COSTS OFF) " + sql, *(params or ()))
            except Exception:  # a write the call already made (unique key): the plan only
                await tr.rollback()
                tr = raw.transaction()
                await tr.start()
                rows = await raw.fetch("EXPLAIN (COSTS OFF) " + sql, *(params or ()))
            finally:
                await tr.rollback()
            print("\n" + " ".join(sql.split())[:400])
            for r in rows:
                print("    " + r[0])
                if r[0].startswith(("Execution Time:", "Planning Time:")):
                    spent += float(r[0].split(":")[1].split()[0])
    print(f"\n### {title}: the database's own time (planning + execution) for all statements: {spent:.2f} ms")


async def fill_outbox(core: Core, rows: int) -> None:
    """120 days of sent notifications stay in the outbox (bot/services/people/retention.py): put that many
    delivered rows in, with the card refs real cards and leader cards have (PostgreSQL, once)."""
    async with core.db.session() as s:
        if await s.scalar(text("SELECT 1 FROM outbox WHERE key = 'bench:1'")):
            return
        t0 = time.perf_counter()
        await s.execute(
            text(
                "INSERT INTO outbox (key, chat_id, kind, payload, card_ref, urgent, status, attempts, next_attempt_at, "
                "created_at, sent_at, message_id) SELECT 'bench:' || g, 10000000 + g % 100000, 'send', '{}', "
                "CASE g % 4 WHEN 0 THEN 'request:' || (g / 4) WHEN 1 THEN 'request-lead:' || (g / 4) || ':' || "
                "(11000000 + g % 1000) ELSE NULL END, false, 'sent', 1, now(), now(), now(), g "
                "FROM generate_series(1, :n) AS g"
            ).bindparams(n=rows)
        )
    async with core.db.engine.connect() as conn:
        await conn.execute(text("ANALYZE outbox"))
    print(f"outbox filled with {rows:,} sent rows in {time.perf_counter() - t0:.0f} s")


async def main(a: argparse.Namespace) -> None:
    core = city_core(a.url)
    if a.outbox_rows and "postgresql" in a.url:
        await fill_outbox(core, a.outbox_rows)
    claims, busy, pairs = await pick(core, a.n + 1)  # the last claim is kept for --explain
    spare, claims, busy, pairs = claims[-1], claims[:-1], busy[: a.n], pairs[: a.n]
    async with core.db.session() as s:
        mark_a = (await s.execute(select(col(Assignment.id)).order_by(col(Assignment.id).desc()).limit(1))).scalar()
        mark_o = (
            await s.execute(select(col(OutboxMessage.id)).order_by(col(OutboxMessage.id).desc()).limit(1))
        ).scalar() or 0
        mark_e = (
            await s.execute(select(col(AuditEntry.id)).order_by(col(AuditEntry.id).desc()).limit(1))
        ).scalar() or 0
    kind = "PostgreSQL" if "postgresql" in a.url else "SQLite"
    print(f"{kind} city: {a.n} calls each, one at a time")
    try:
        prof = None
        if a.profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        st = StatementTimes(core) if a.statements else None
        if st is not None:
            st.on = True
        t_claim = await timed([functools.partial(claim_task, core, v, r) for v, r in claims])
        if st is not None:
            st.report("claim_task")
        if prof is not None:
            import pstats

            prof.disable()
            pstats.Stats(prof).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(60)
        print(f"  accept a task (claim_task):           {ms(t_claim)}")
        t_tasks = await timed([functools.partial(my_tasks, core, v) for v in busy])
        print(f"  a volunteer's open tasks (my_tasks):  {ms(t_tasks)}")
        t_ledger = await timed([functools.partial(ledger_of, core, v, h) for v, h in pairs])
        print(f"  a household's ledger (ledger_of):     {ms(t_ledger)}")
        if a.explain and kind == "PostgreSQL":
            cap = Capture(core)
            await explain(core, cap, "claim_task", lambda: claim_task(core, *spare))
            await explain(core, cap, "my_tasks", lambda: my_tasks(core, busy[0]))
            await explain(core, cap, "ledger_of", lambda: ledger_of(core, *pairs[0]))
    finally:  # put the city back as it was
        async with core.db.session() as s:
            new = select(col(Assignment.request_id)).where(col(Assignment.id) > mark_a)
            await s.execute(
                update(HelpRequest)
                .where(col(HelpRequest.id).in_(new))
                .values(status="open", slots_taken=0, first_accepted_at=None)
            )
            for table, key, mark in (
                ("assignment", "id", mark_a),
                ("outbox", "id", mark_o),
                ("audit_log", "id", mark_e),
            ):
                await s.execute(text(f"DELETE FROM {table} WHERE {key} > :m").bindparams(m=mark))
        await core.db.dispose()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("REDVEST_CITY_URL", PG_CITY))
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument(
        "--outbox-rows",
        type=int,
        default=2_000_000,
        help="sent notifications kept in the outbox (120 days of a city; PostgreSQL, added once)",
    )
    ap.add_argument("--profile", action="store_true", help="cProfile the claim_task calls")
    ap.add_argument("--statements", action="store_true", help="wall time of each statement of the claim_task calls")
    asyncio.run(main(ap.parse_args()))
