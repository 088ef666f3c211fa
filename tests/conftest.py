"""Fixtures: config, real databases (SQLite file; PostgreSQL for marked tests), the core with a
controllable clock, the sandbox Bot API, and the running bot talking to it over HTTP."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.app import build_application, start_running, stop_running
from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import Clock, FakeClock, SystemClock
from bot.services.kernel.config import Config, load_config
from bot.services.kernel.core import Core
from sandbox import SandboxClient, start_server
from storage.db import Database
from storage.enums import ChatKind

from .support import factories as f
from .support.dashboard import office, web_base  # noqa: F401 (fixtures of the dashboard and export tests)
from .support.harness import TgUser, make_user

PG_ADMIN = os.environ.get("REDVEST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TOKEN = "123456:sandbox-token-redvest"
SHANGHAI = ZoneInfo("Asia/Shanghai")


# ---------------------------------------------------------------- databases
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _in_thread(lambda: _create_schema(f"sqlite+aiosqlite:///{path}"))
    return path


async def _create_schema(url: str) -> None:
    # Tables straight from the models; test_migrations proves the Alembic migrations build the same.
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    await db.dispose()


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A fresh PostgreSQL database for this test session, migrated; dropped at the end."""
    name = f"redvest_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _in_thread(lambda: admin(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    _in_thread(lambda: _create_schema(url))
    yield url
    _in_thread(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _in_thread(make_coro) -> None:
    """Run a coroutine to completion even when called from inside a running event loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(make_coro())).result()


def _sqlite_db(template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "redvest.db"
    shutil.copy(template, path)
    return Database(f"sqlite+aiosqlite:///{path}")


async def _pg_db(url: str) -> Database:
    db = Database(url, pool_size=20)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture
async def db(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    database = _sqlite_db(sqlite_template, tmp_path)
    yield database
    await database.dispose()


@pytest.fixture
async def pg(pg_url: str) -> AsyncIterator[Database]:
    database = await _pg_db(pg_url)
    yield database
    await database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_db(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = _sqlite_db(sqlite_template, tmp_path)
    else:
        database = await _pg_db(request.getfixturevalue("pg_url"))
    yield database
    await database.dispose()


# ---------------------------------------------------------------- config and core
@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    c = load_config(None, env={})
    c.telegram.token = TOKEN
    c.database.url = f"sqlite+aiosqlite:///{tmp_path / 'redvest.db'}"
    c.outbox.poll_seconds = 0.05
    return c


@pytest.fixture
def clock() -> FakeClock:
    """Wednesday 18 November 2026, 10:00 in Shanghai."""
    return FakeClock(datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def core(db: Database, clock: FakeClock, cfg: Config) -> Core:
    return Core(db=db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)


# ---------------------------------------------------------------- sandbox and bot
@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxClient]:
    runner, port = await start_server("127.0.0.1", 0)
    client = SandboxClient(f"http://127.0.0.1:{port}")
    client.port = port
    client.state = runner.app["state"]
    async with client:
        yield client
    # a long poll left open by a process the test killed would hold the server's cleanup for the
    # rest of its timeout (10 s): a newer poll generation ends it at once (with a 409 nobody reads)
    client.state.poll_gen = getattr(client.state, "poll_gen", 0) + 1
    client.state.notifier.notify()
    await runner.cleanup()


@dataclass
class RunningBot:
    app: object
    core: Core
    sb: SandboxClient

    async def user(self, id: int, name: str, lang: str = "zh-CN") -> TgUser:
        return await make_user(self.sb, id, name, lang)


@pytest.fixture
def bot_clock() -> Clock:
    """The running bot's clock: the wall clock. A module that needs the bot on a given day
    overrides this fixture (tests/support/clocks.py DayClock)."""
    return SystemClock()


@pytest.fixture
async def bot(sandbox: SandboxClient, db: Database, cfg: Config, bot_clock: Clock) -> AsyncIterator[RunningBot]:
    """The real bot, polling the sandbox over HTTP, on the test's SQLite database."""
    async for running in _run_bot(sandbox, db, cfg, bot_clock):
        yield running


async def _run_bot(
    sandbox: SandboxClient, db: Database, cfg: Config, clock: Clock | None = None
) -> AsyncIterator[RunningBot]:
    cfg.telegram.base_url = f"http://127.0.0.1:{sandbox.port}/bot"
    cfg.telegram.base_file_url = f"http://127.0.0.1:{sandbox.port}/file/bot"  # getFile's downloads
    app = build_application(cfg, db, clock or SystemClock(), run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        yield RunningBot(app=app, core=app.bot_data["core"], sb=sandbox)
    finally:
        await _stop_bounded(app)


async def _stop_bounded(app, seconds: float = 30.0) -> None:
    """Stop the bot; a stop that hangs (seen rarely in full CI runs, cause not found yet) is reported
    with every task's stack instead of hanging the suite."""
    task = asyncio.ensure_future(stop_running(app))
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        task.result()
        return
    import io
    import warnings

    out = io.StringIO()
    for t in asyncio.all_tasks():
        t.print_stack(file=out)
    task.cancel()
    warnings.warn(f"bot did not stop within {seconds}s; tasks:\n{out.getvalue()[-6000:]}", RuntimeWarning, stacklevel=2)


VOLUNTEER_GROUP = -1001
RESIDENT_GROUP = -1002
OTHER_VOLUNTEER_GROUP = -2001


@pytest.fixture
async def world(bot: RunningBot) -> SimpleNamespace:
    """A small community through the sandbox: grid A (leader, three volunteers, a resident,
    a household paired with volunteer 1, bound volunteer and resident groups) and grid B
    (its own leader and volunteer)."""
    db, sb = bot.core.db, bot.sb
    com = await f.community(db)
    ga = await f.grid(db, com.id, "第一网格")
    gb = await f.grid(db, com.id, "第二网格")
    w = SimpleNamespace(
        bot=bot,
        sb=sb,
        db=db,
        community=com,
        grid_a=ga,
        grid_b=gb,
        volunteer_group=VOLUNTEER_GROUP,
        resident_group=RESIDENT_GROUP,
        other_group=OTHER_VOLUNTEER_GROUP,
    )
    w.admin = await bot.user(9001, "社区书记")
    await f.person(db, 9001, "社区书记", superadmin=True)
    w.leader = await bot.user(1001, "李网格长")
    p = await f.person(db, 1001, "李网格长", grid_id=ga.id)
    await f.leader(db, p.id, ga.id)
    w.leader_b = await bot.user(1002, "赵网格长")
    p = await f.person(db, 1002, "赵网格长", grid_id=gb.id)
    await f.leader(db, p.id, gb.id)
    w.volunteers = []
    w.volunteer_people = []
    for i, name in enumerate(["张志愿", "王志愿", "陈志愿"], start=1):
        u = await bot.user(2000 + i, name)
        p = await f.person(db, 2000 + i, name, grid_id=ga.id, phone=f"1380000000{i}")
        await f.volunteer(db, p.id, ga.id, shock_team=(i == 1))
        w.volunteers.append(u)
        w.volunteer_people.append(p)
    w.volunteer_b = await bot.user(2101, "孙志愿")
    p = await f.person(db, 2101, "孙志愿", grid_id=gb.id)
    await f.volunteer(db, p.id, gb.id)
    w.resident = await bot.user(3001, "王奶奶")
    w.resident_person = await f.person(db, 3001, "王奶奶", grid_id=ga.id)
    w.resident_en = await bot.user(3002, "Alice", lang="en")
    await f.person(db, 3002, "Alice", grid_id=ga.id, language="en")
    w.household = await f.household(db, ga.id)
    await f.pair(db, w.volunteer_people[0].id, w.household.id)
    members = [1001, 9001] + [u.id for u in w.volunteers]
    await sb.add_group(VOLUNTEER_GROUP, "第一网格志愿者群", members)
    await f.bind(db, VOLUNTEER_GROUP, ga.id, ChatKind.volunteers)
    await sb.add_group(RESIDENT_GROUP, "第一网格居民群", [1001, 3001, 3002])
    await f.bind(db, RESIDENT_GROUP, ga.id, ChatKind.residents)
    await sb.add_group(OTHER_VOLUNTEER_GROUP, "第二网格志愿者群", [1002, 2101])
    await f.bind(db, OTHER_VOLUNTEER_GROUP, gb.id, ChatKind.volunteers)
    return w
