"""Shared pieces of the benchmarks: a sandbox in its own process, waiting for its counters."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiohttp

from sandbox import SandboxClient

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("REDVEST_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def fresh_pg_database(name: str) -> str:
    """An empty PostgreSQL database `name` (dropped first if a run left one); its asyncpg URL."""
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_ADMIN.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{name}"


T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class SandboxProcess(SandboxClient):
    """A client of a sandbox this process started: its port and process id."""

    def __init__(self, port: int, pid: int) -> None:
        super().__init__(f"http://127.0.0.1:{port}")
        self.port, self.pid = port, pid


@asynccontextmanager
async def sandbox_process(limits: bool = False) -> AsyncIterator[SandboxProcess]:
    """The sandbox Bot API in a separate process (so it does not share the bot's event loop)."""
    port = free_port()
    args = [sys.executable, "-m", "sandbox", "--port", str(port)] + ([] if limits else ["--no-limits"])
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{port}/sandbox/api/last_seq") as r:
                    if r.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox did not start")
            await asyncio.sleep(0.1)
        client = SandboxProcess(port, proc.pid)
        async with client:
            yield client
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


async def wait_stats(sb: SandboxClient, key: str, target: int, timeout: float = 600) -> float:
    """Wait until the sandbox's counter `key` (e.g. "sent") reaches target; returns the time it did."""
    deadline = time.monotonic() + timeout
    while True:
        stats = await sb.stats()
        if stats[key] >= target:
            return time.perf_counter()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{key} stuck at {stats[key]} of {target}")
        await asyncio.sleep(0.02)


async def gather_limited(coros: Iterable[Awaitable[T]], limit: int = 32) -> list[T]:
    sem = asyncio.Semaphore(limit)

    async def one(c: Awaitable[T]) -> T:
        async with sem:
            return await c

    return await asyncio.gather(*(one(c) for c in coros))
