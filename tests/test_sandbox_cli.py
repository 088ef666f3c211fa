"""`redvest sandbox` as a user starts it: one port for everything it serves, every URL printed."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.demo.cast import ALICE
from sandbox import SandboxClient

from .support.harness import TgUser
from .support.workers import ROOT, free_port

STARTUP_SECONDS = 60


async def _start(cwd: Path, *args: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    env.pop("REDVEST_DATABASE_URL", None)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; from bot.cli import main; sys.exit(main())",
        "sandbox",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _read_until(proc: asyncio.subprocess.Process, marker: str) -> str:
    """Everything the process printed up to the line holding `marker`, read before a deadline."""
    assert proc.stdout is not None
    out: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {marker!r} in the sandbox's output:\n" + "".join(out))
        try:
            line = (await asyncio.wait_for(proc.stdout.readline(), left)).decode()
        except TimeoutError:
            continue
        if not line:
            raise AssertionError(f"the sandbox exited ({await proc.wait()}):\n" + "".join(out))
        out.append(line)
        if marker in line:
            return "".join(out)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


@pytest.fixture
async def sandbox_proc(tmp_path):
    procs: list[asyncio.subprocess.Process] = []

    async def start(*args: str) -> asyncio.subprocess.Process:
        proc = await _start(tmp_path, *args)
        procs.append(proc)
        return proc

    yield start
    for p in procs:
        await _stop(p)


async def test_port_moves_the_chat_the_dashboard_health_and_metrics(sandbox_proc, tmp_path):
    port = free_port()
    proc = await sandbox_proc("--port", str(port))
    out = await _read_until(proc, "Bot API")
    printed = dict(re.findall(r"^\s+(chat|dashboard|health|metrics|Bot API)\s+(\S+)", out, re.M))
    assert set(printed) == {"chat", "dashboard", "health", "metrics", "Bot API"}, out
    assert all(u.startswith(f"http://127.0.0.1:{port}/") for u in printed.values()), out
    async with aiohttp.ClientSession() as http:
        async with http.get(printed["chat"]) as r:
            assert r.status == 200 and "<html" in (await r.text()).lower()
        async with http.get(printed["health"]) as r:
            assert r.status == 200 and (await r.json())["database"] is True
        async with http.get(printed["metrics"]) as r:
            assert r.status == 200 and "redvest_" in await r.text()
        async with http.get(printed["dashboard"] + "/static/style.css") as r:
            assert r.status == 200 and "text/css" in r.headers["Content-Type"]
        async with http.get(printed["dashboard"] + "/") as r:  # not signed in: the dashboard's own refusal
            assert r.status == 401 and "Content-Security-Policy" in r.headers
    assert (tmp_path / "redvest-sandbox.db").exists()


async def test_two_sandboxes_on_two_ports_both_run(sandbox_proc, tmp_path):
    a, b = free_port(), free_port()
    first = await sandbox_proc("--port", str(a), "--database", f"sqlite+aiosqlite:///{tmp_path}/a.db")
    await _read_until(first, "Bot API")
    second = await sandbox_proc("--port", str(b), "--database", f"sqlite+aiosqlite:///{tmp_path}/b.db")
    await _read_until(second, "Bot API")
    async with aiohttp.ClientSession() as http:
        for port in (a, b):
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                assert r.status == 200
    assert first.returncode is None and second.returncode is None


async def test_a_port_in_use_is_one_clear_line(sandbox_proc):
    port = free_port()
    first = await sandbox_proc("--port", str(port), "--no-bot")
    await _read_until(first, "Bot API")
    second = await sandbox_proc("--port", str(port), "--no-bot")
    out = await _read_until(second, "redvest:")
    assert f"127.0.0.1:{port}" in out and "--port" in out
    assert await asyncio.wait_for(second.wait(), STARTUP_SECONDS) == 2


@pytest.mark.timeout(300)  # two starts, the first writing the demo: slow on a loaded machine, not a hang
async def test_a_restarted_sandbox_answers_on_the_same_database(sandbox_proc):
    """The sandbox's Telegram starts afresh (update ids from 1); its database is kept."""
    for _ in range(2):
        port = free_port()
        proc = await sandbox_proc("--port", str(port))
        await _read_until(proc, "Bot API")
        async with SandboxClient(f"http://127.0.0.1:{port}") as sb:
            alice = TgUser(sb, ALICE.tg_user_id, ALICE.name, "en")
            for command, answer in (("/help", "/request"), ("/my", "A-00")):
                await alice.send(command)
                await alice.reply(contains=answer, timeout=20)
        proc.send_signal(signal.SIGINT)  # Ctrl+C, as a person stops it
        assert await asyncio.wait_for(proc.wait(), STARTUP_SECONDS) == 0
