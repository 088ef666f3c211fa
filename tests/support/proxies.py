"""Proxies for the multi-process and fault tests (no tests here), all on 127.0.0.1: a round-robin
load balancer for webhook workers, a Bot API proxy that can hold or slow one worker's calls, and a
TCP proxy that cuts PostgreSQL off and restores it."""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

from tests.support.workers import free_port


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
        app = web.Application(client_max_size=2**22)
        app.router.add_post("/hook", self.forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
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
                async with self._http.post(
                    self.targets[i], data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=30)
                ) as r:
                    payload = await r.read()
                    self.served[(i, r.status)] += 1
                    return web.Response(status=r.status, body=payload, content_type="application/json")
            except (TimeoutError, aiohttp.ClientError):
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
    held: set[int] = field(default_factory=set)  # workers whose new calls are held
    held_methods: set[str] = field(default_factory=set)  # methods held for every worker
    held_count: int = 0
    in_flight: Counter = field(default_factory=Counter)
    in_flight_by_method: Counter = field(default_factory=Counter)  # (worker, method) -> forwarded, unanswered
    delivered: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    delay: dict[str, float] = field(default_factory=dict)  # method -> seconds before forwarding

    def base_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}/w{i}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=2**24)
        app.router.add_route("*", r"/w{worker:\d+}/{tail:.*}", self.forward)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
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
        if worker in self.held or method in self.held_methods:
            self.held_count += 1
            await self._release.wait()  # never forwarded: the worker dies holding it
            return web.Response(status=502)
        self.in_flight[worker] += 1
        self.in_flight_by_method[(worker, method)] += 1
        try:
            if method in self.delay:
                await asyncio.sleep(self.delay[method])
            headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
            async with self._http.request(
                request.method,
                f"{self.upstream}/{tail}",
                data=body,
                headers=headers,
                params=request.query,
                timeout=aiohttp.ClientTimeout(total=60),
            ) as r:
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
