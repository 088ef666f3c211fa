"""The inbound bench's figures (issue 19): the JSON of `bench/inbound.py --json` is assembled from
measured numbers with every key, and SQL statements and round trips are counted for the kind of
update that ran them. Nothing here times anything."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text

from bench.inbound_report import Echo, figures
from bench.inbound_run import kind_of_phase
from bench.sqlcount import UNATTRIBUTED, StatementCounter
from bot.logcontext import UPDATE_ID
from storage.models import Community
from tests.support import factories as f

ISSUE_19 = [
    "ptb_ceiling_ups",
    "aiogram_ceiling_ups",
    "sqlite_ups",
    "postgres_ups",
    "sqlite_ratio",
    "postgres_ratio",
    "bot_cpu_ms_per_update",
    "echo_cpu_ms_per_update",
    "p99_ms_300",
    "statements_per_update",
    "round_trips_per_update",
    "orm_objects_per_update",
]


def _run(kind: str, rate: float, cpu: float, p99: float | None) -> dict:
    per_kind = {
        "accept": dict(
            updates=10, statements=4.0, round_trips=7.0, gate_statements=1.0, gate_round_trips=3.0, orm_objects=0.0
        ),
        UNATTRIBUTED: dict(statements=50.0, round_trips=90.0, gate_statements=0.0, gate_round_trips=0.0, orm_objects=9),
    }
    paced = dict(p50=0.004, p99=p99) if p99 is not None else None
    return dict(kind=kind, n=1000, rate=rate, cpu=cpu, order=True, paced=paced, per_kind=per_kind)


def test_the_json_has_every_figure_of_issue_19_from_the_measured_numbers():
    runs = [_run("sqlite", 600.0, 0.0015, None), _run("postgres", 500.0, 0.0025, 0.0123)]
    out = figures(Echo(1000.0, 0.0008), Echo(2000.0, 0.0004), Echo(1600.0, 0.0005), runs, rate=300)

    assert not [k for k in ISSUE_19 if k not in out]
    assert out["sqlite_ratio"] == 0.3 and out["postgres_ratio"] == 0.25  # against PTB's ceiling
    assert out["postgres_vs_aiogram"] == round(500 / 1600, 3)
    assert out["bot_cpu_ms_per_update"] == 2.0 and out["echo_cpu_ms_per_update"] == 0.4
    assert out["p99_ms_300"] == 12.3  # PostgreSQL's open loop
    assert out["statements_per_update"] == {"sqlite": {"accept": 4.0}, "postgres": {"accept": 4.0}}
    assert out["round_trips_per_update"]["postgres"] == {"accept": 7.0}
    assert out["orm_objects_per_update"]["sqlite"] == {"accept": 0.0}


def test_the_mix_phases_fall_into_the_five_kinds():
    assert kind_of_phase("/request") == kind_of_phase("request: send button") == "new request"
    assert kind_of_phase("accept on the group card") == "accept"
    assert kind_of_phase("task: note") == kind_of_phase("resident: 5 stars") == "done/rating"
    assert kind_of_phase("/visits") == kind_of_phase("visit: 不写备注") == "door visit"
    assert kind_of_phase("/points") == "/points"
    assert kind_of_phase("warm-up") is None


async def test_statements_count_for_the_kind_of_the_update_that_ran_them(any_db):
    await f.community(any_db)
    counter = StatementCounter()
    counter.kind_of = {1: "accept", 2: "/points"}
    counter.attach(any_db.engine.sync_engine)

    async def handle(update_id: int, statements: int, reading: bool = False, orm: bool = False) -> None:
        UPDATE_ID.set(update_id)  # as the gate does, in the update's own task
        async with any_db.reading() if reading else any_db.session() as s:
            for _ in range(statements):
                await s.execute(text("SELECT 1"))
            if orm:  # an ORM load of every community (there is one)
                await s.execute(select(Community))

    try:
        await asyncio.create_task(handle(1, 2))
        await asyncio.create_task(handle(2, 0, reading=True, orm=True))
        await asyncio.create_task(handle(1, 1), name="redvest-gate-store")  # a gate round the accept started
        async with any_db.session() as s:  # no update: the outbox sender, say
            await s.execute(text("SELECT 1"))
    finally:
        counter.detach()

    got = counter.per_update()
    # each session: its statements, BEGIN and COMMIT
    assert got["accept"] == dict(
        updates=1, statements=3, round_trips=7, gate_statements=1, gate_round_trips=3, orm_objects=0
    )
    # reading() sends no BEGIN or COMMIT (PostgreSQL: autocommit; SQLite: no BEGIN IMMEDIATE)
    assert got["/points"]["statements"] == 1
    assert got["/points"]["round_trips"] == 1
    assert got["/points"]["orm_objects"] == 1  # the community, loaded as an ORM object
    assert got[UNATTRIBUTED]["statements"] == 1 and got[UNATTRIBUTED]["round_trips"] == 3
