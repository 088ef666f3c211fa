"""Tools for the multi-process and fault tests (no tests here): a fresh PostgreSQL database,
`redvest run` worker processes, a round-robin webhook proxy standing in for a load balancer,
a Bot API proxy that can hold one worker's requests, and a TCP proxy that can cut PostgreSQL off.
Everything listens on 127.0.0.1 only; every process started is killed in teardown."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import aiohttp
import asyncpg
from aiohttp import web
from sqlalchemy import text
from sqlmodel import SQLModel

from storage.db import Database
from storage.migrate import head_revision

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("REDVEST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def eventually(fetch, ok, timeout: float, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll `fetch()` (async) until `ok(value)`; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        try:
            value = await fetch()
        except Exception as e:  # noqa: BLE001 - not up yet
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
def write_config(path: Path, *, sandbox_url: str, db_url: str, mode: str = "webhook", webhook_url: str = "",
                 secret: str = "worker-secret", extra: str = "") -> Path:
    path.write_text(f"""
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
update_lease_seconds = 5
shutdown_timeout_seconds = 20.0
{extra}
""", encoding="utf-8")
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


def spawn_worker(name: str, config: Path, log_dir: Path, *, env: dict | None = None,
                 ports: tuple[int, int] | None = None) -> Worker:
    web_port, webhook_port = ports or (free_port(), free_port())
    log_path = log_dir / f"{name}.log"
    out = open(log_path, "ab")
    cmd = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())",
           "--config", str(config), "-v", "run", "--web-port", str(web_port), "--webhook-port", str(webhook_port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    out.close()
    return Worker(name, proc, web_port, webhook_port, log_path)


async def wait_healthy(worker: Worker, timeout: float = 30) -> dict:
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


# ---------------------------------------------------------------- HTTP proxies
@dataclass
class RoundRobinHook:
    """The load balancer in front of the webhook workers: each POST goes to the next worker that
    is in rotation; a worker that cannot be reached is skipped (like a health-checked balancer)."""
    targets: list[str]
    in_rotation: list[bool] = field(default_factory=list)
    in_flight: Counter = field(default_factory=Counter)
    served: Counter = field(default_factory=Counter)
    port: int = 0
    _next: int = 0

    async def start(self) -> None:
        self.in_rotation = [True] * len(self.targets)
        app = web.Application(client_max_size=2 ** 22)
        app.router.add_post("/hook", self.forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._http = aiohttp.ClientSession()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def stop(self) -> None:
        await self._http.close()
        await self._runner.cleanup()

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        headers["Content-Type"] = "application/json"
        for _ in range(len(self.targets)):
            i = self._next % len(self.targets)
            self._next += 1
            if not self.in_rotation[i]:
                continue
            self.in_flight[i] += 1
            try:
                async with self._http.post(self.targets[i], data=body, headers=headers,
                                           timeout=aiohttp.ClientTimeout(total=30)) as r:
                    payload = await r.read()
                    self.served[(i, r.status)] += 1
                    return web.Response(status=r.status, body=payload, content_type="application/json")
            except (aiohttp.ClientError, asyncio.TimeoutError):
                continue
            finally:
                self.in_flight[i] -= 1
        return web.Response(status=502, text="no worker reachable")


@dataclass
class BotApiProxy:
    """Between the workers and the sandbox: worker i uses base_url .../w<i>/bot. It can hold a
    worker's new requests (never forwarding them) and records which chats each worker's
    sendMessage calls reached."""
    upstream: str  # http://127.0.0.1:PORT
    port: int = 0
    held: set[int] = field(default_factory=set)
    in_flight: Counter = field(default_factory=Counter)
    in_flight_by_method: Counter = field(default_factory=Counter)  # (worker, method) -> forwarded, unanswered
    delivered: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    delay: dict[str, float] = field(default_factory=dict)  # method -> seconds before forwarding

    def base_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}/w{i}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=2 ** 24)
        app.router.add_route("*", r"/w{worker:\d+}/{tail:.*}", self.forward)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._http = aiohttp.ClientSession()
        self._release = asyncio.Event()

    async def stop(self) -> None:
        self._release.set()
        await self._http.close()
        await self._runner.cleanup()

    async def forward(self, request: web.Request) -> web.StreamResponse:
        worker = int(request.match_info["worker"])
        tail = request.match_info["tail"]
        method = tail.rsplit("/", 1)[-1]
        body = await request.read()
        if worker in self.held:
            await self._release.wait()  # never forwarded: the worker dies holding it
            return web.Response(status=502)
        self.in_flight[worker] += 1
        self.in_flight_by_method[(worker, method)] += 1
        try:
            if method in self.delay:
                await asyncio.sleep(self.delay[method])
            headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
            async with self._http.request(request.method, f"{self.upstream}/{tail}", data=body, headers=headers,
                                          params=request.query, timeout=aiohttp.ClientTimeout(total=60)) as r:
                payload = await r.read()
                status = r.status
        finally:
            self.in_flight[worker] -= 1
            self.in_flight_by_method[(worker, method)] -= 1
        if method == "sendMessage" and status == 200:
            chat = _chat_id(body, headers["Content-Type"])
            if chat is not None:
                self.delivered[worker].append(chat)
        return web.Response(status=status, body=payload, content_type="application/json")


def _chat_id(body: bytes, content_type: str) -> int | None:
    try:
        if "json" in content_type:
            import json
            return int(json.loads(body)["chat_id"])
        return int(parse_qs(body.decode())["chat_id"][0])
    except (KeyError, ValueError, IndexError, TypeError):
        return None


# ---------------------------------------------------------------- TCP proxy (database outages)
class TcpProxy:
    """127.0.0.1:<port> -> target. `cut()` drops every connection and refuses new ones until
    `restore()`; the port stays the same."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            except (OSError, asyncio.CancelledError):
                pass
            finally:
                w.close()
        tasks = {asyncio.create_task(pipe(reader, up_writer)), asyncio.create_task(pipe(up_reader, writer))}
        self._tasks |= tasks
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks -= tasks
        self._writers -= {writer, up_writer}

    async def cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for w in list(self._writers):
            w.transport.abort()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    async def restore(self) -> None:
        await self.start()

    async def stop(self) -> None:
        await self.cut()
