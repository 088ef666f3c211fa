"""SQL statements and database round trips per kind of update, counted with SQLAlchemy's public events.

The bench tells the counter which update ids are of which kind (`kind_of`); a statement is counted
for the update being handled in the task that runs it (`bot.logcontext.UPDATE_ID`, which the gate
sets in each update's own task). The gate's shared rounds (taking a round of updates, storing and
confirming one: `bot/gate/coalesce.py`) run in a task of their own, which carries the id of the
update that started it: they are counted with that update's kind, and apart as `gate_*` too (the bench
sends one kind of update a phase, so a round's updates are of one kind). Statements of no update (the
outbox sender, the bench's own reads between phases) are counted under `UNATTRIBUTED`.

Round trips: every statement, plus BEGIN and COMMIT (or ROLLBACK) of each transaction that has them.
A session of `Database.reading()` (PostgreSQL's autocommit engine; on SQLite, no BEGIN IMMEDIATE)
sends no BEGIN or COMMIT, so none is counted for it; asyncpg's statement preparation (once per statement shape and connection) is not
counted.

ORM objects: every instance the ORM loads from a row (the mapper's `load` event), by kind of update.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Mapper

from bot.logcontext import UPDATE_ID
from storage.db import NO_BEGIN

UNATTRIBUTED = "(no update)"
GATE_TASKS = "redvest-gate-"  # the names of the gate's round tasks (bot/gate/updates.py)


@dataclass
class Counts:
    statements: int = 0
    round_trips: int = 0
    gate_statements: int = 0  # of which in the gate's shared rounds
    gate_round_trips: int = 0
    orm_objects: int = 0  # rows loaded as ORM instances (SQLAlchemy's `load` event), the hot path's goal is 0


class StatementCounter:
    def __init__(self) -> None:
        self.kind_of: dict[int, str] = {}
        self.counts: dict[str, Counts] = defaultdict(Counts)
        self._engines: list[Engine] = []

    def attach(self, engine: Engine) -> None:
        if not self._engines:
            event.listen(Mapper, "load", self._orm_object)
        event.listen(engine, "before_cursor_execute", self._statement)
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._edge)
        self._engines.append(engine)

    def detach(self) -> None:
        for engine in self._engines:
            event.remove(engine, "before_cursor_execute", self._statement)
            for name in ("begin", "commit", "rollback"):
                event.remove(engine, name, self._edge)
        if self._engines:
            event.remove(Mapper, "load", self._orm_object)
        self._engines = []

    def _orm_object(self, _target: Any, _context: Any) -> None:
        self._where()[0].orm_objects += 1

    def _where(self) -> tuple[Counts, bool]:
        uid = UPDATE_ID.get()
        kind = self.kind_of.get(uid, UNATTRIBUTED) if uid is not None else UNATTRIBUTED
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no event loop: a synchronous use of the engine
            task = None
        return self.counts[kind], task is not None and task.get_name().startswith(GATE_TASKS)

    def _statement(self, _conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip()[:5].upper() == "BEGIN":  # SQLite's BEGIN IMMEDIATE: counted by its event
            return
        counts, gate = self._where()
        counts.statements += 1
        counts.round_trips += 1
        if gate:
            counts.gate_statements += 1
            counts.gate_round_trips += 1

    def _edge(self, conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT" or options.get(NO_BEGIN):
            return  # nothing is sent
        counts, gate = self._where()
        counts.round_trips += 1
        if gate:
            counts.gate_round_trips += 1

    def per_update(self) -> dict[str, dict[str, float]]:
        """For each kind: its updates, and statements and round trips per update (all and the gate's)."""
        n: dict[str, int] = defaultdict(int)
        for kind in self.kind_of.values():
            n[kind] += 1
        out: dict[str, dict[str, float]] = {}
        for kind, c in self.counts.items():
            if kind == UNATTRIBUTED:
                out[kind] = {k: float(v) for k, v in asdict(c).items()}  # totals: there is no update to divide by
            elif n[kind]:
                out[kind] = {"updates": n[kind], **{k: round(v / n[kind], 2) for k, v in asdict(c).items()}}
        return out
