"""Tools for the multi-process and fault tests (no tests here): a fresh PostgreSQL database and
`redvest run` worker processes (the proxies are in proxies.py). Everything listens
on 127.0.0.1 only; every process started is killed in teardown."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy import text
from sqlmodel import SQLModel

from storage.db import Database
from storage.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("REDVEST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def eventually(fetch, ok, timeout: float, what: str = "condition"):
    """Poll `fetch()` (async) until `ok(value)`; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        try:
            value = await fetch()
        except Exception as e:
            value = e
        if not isinstance(value, Exception) and ok(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout}s (last: {value!r})")


# ---------------------------------------------------------------- PostgreSQL
class PgDatabase:
    """A fresh database with the schema from the models, stamped at the migration head so that
    `redvest run` accepts it; dropped on close."""

    def __init__(self) -> None:
        self.name = f"redvest_w_{uuid.uuid4().hex[:10]}"
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.name}"

    def url_via(self, port: int) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{self.name}"

    async def create(self) -> Database:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await conn.close()
        db = Database(self.url)
        async with db.engine.begin() as c:
            await c.run_sync(SQLModel.metadata.create_all)
            await c.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            await c.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head_revision()})
        return db

    async def drop(self) -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()


# ---------------------------------------------------------------- worker processes
def write_config(
    path: Path,
    *,
    sandbox_url: str,
    db_url: str,
    mode: str = "webhook",
    webhook_url: str = "",
    secret: str = "worker-secret",
    lease: int = 5,
    extra: str = "",
) -> Path:
    path.write_text(
        f"""
[telegram]
token = "123456:sandbox-token-redvest"
base_url = "{sandbox_url}"
[bot]
mode = "{mode}"
[bot.webhook]
url = "{webhook_url}"
secret_token = "{secret}"
[database]
url = "{db_url}"
pool_size = 5
[outbox]
per_second = 20.0
poll_seconds = 0.2
[workers]
leader_retry_seconds = 1.0
update_lease_seconds = {lease}
shutdown_timeout_seconds = 20.0
{extra}
""",
        encoding="utf-8",
    )
    return path


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen
    web_port: int
    webhook_port: int
    log_path: Path

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/healthz"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.webhook_port}/telegram/webhook"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    async def health(self) -> dict:
        async with aiohttp.ClientSession() as http:
            async with http.get(self.health_url, timeout=aiohttp.ClientTimeout(total=3)) as r:
                data = await r.json()
                data["http_status"] = r.status
                return data


def spawn_worker(
    name: str, config: Path, log_dir: Path, *, env: dict | None = None, ports: tuple[int, int] | None = None
) -> Worker:
    web_port, webhook_port = ports or (free_port(), free_port())
    log_path = log_dir / f"{name}.log"
    out = open(log_path, "ab")
    cmd = [
        sys.executable,
        "-c",
        "import sys; from bot.cli import main; sys.exit(main())",
        "--config",
        str(config),
        "-v",
        "run",
        "--web-port",
        str(web_port),
        "--webhook-port",
        str(webhook_port),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    )
    out.close()
    return Worker(name, proc, web_port, webhook_port, log_path)


async def wait_healthy(worker: Worker, timeout: float = 60) -> dict:
    """On a quiet machine the whole three-worker test (three starts, a kill, a restart) takes ~17 s; on
    two cores shared with other suites (load average ~10) one start took over 30 s. The deadline is
    generous: a healthy start never waits for it."""

    async def fetch() -> dict:
        if not worker.alive():
            raise AssertionError(f"{worker.name} exited with {worker.proc.returncode}:\n{worker.log_tail()}")
        return await worker.health()

    try:
        return await eventually(fetch, lambda h: h["http_status"] == 200, timeout, f"{worker.name} healthy")
    except AssertionError as e:
        raise AssertionError(f"{e}\n--- {worker.name} log ---\n{worker.log_tail()}") from None


async def wait_exit(worker: Worker, timeout: float = 30) -> int:
    """The exit code, waited for off the event loop (the proxies in this loop must keep serving)."""
    return await asyncio.to_thread(worker.proc.wait, timeout)


def kill_all(workers: list[Worker]) -> None:
    for w in workers:
        if w.alive():
            w.proc.kill()
    for w in workers:
        try:
            w.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def terminate(worker: Worker) -> None:
    worker.proc.send_signal(signal.SIGTERM)
