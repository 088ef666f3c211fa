"""`redvest run` that cannot start says why in one line and exits 2, instead of a traceback and a
process that hangs with half its parts running: a busy port (polling and webhook mode), a database
that does not answer, a token Telegram refuses, a Telegram that does not answer, a database that
needs migrating. Each runs this checkout's command line in a process of its own."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.support.workers import free_port

ROOT = Path(__file__).resolve().parent.parent
HANG_GUARD = 60  # a hang fails the test; how fast the refusal comes is measured by hand, not here


async def redvest(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """`redvest ARGS` from this checkout; (exit code, the lines on stderr that are not logging)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("REDVEST_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=cwd,
        env={**base, "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), HANG_GUARD)
    except TimeoutError:
        proc.kill()
        raise AssertionError(f"redvest {' '.join(args)} did not exit") from None
    lines = [line for line in err.decode().splitlines() if line.strip() and " INFO " not in line]
    return proc.returncode or 0, lines


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    """A working directory whose default SQLite database is migrated."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=HANG_GUARD,
    )
    assert done.returncode == 0, done.stderr
    return tmp_path


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def telegram(sandbox) -> dict[str, str]:
    return {"REDVEST_TOKEN": TOKEN, "REDVEST_BASE_URL": f"http://127.0.0.1:{sandbox.port}/bot"}


def one_line(lines: list[str], *words: str) -> None:
    assert len(lines) == 1 and lines[0].startswith("redvest: "), lines
    assert all(w in lines[0] for w in words), lines
    assert "Traceback" not in lines[0]


async def test_a_busy_web_port(sandbox, migrated, busy_port):
    code, lines = await redvest("run", "--web-port", str(busy_port), cwd=migrated, env=telegram(sandbox))
    assert code == 2
    one_line(lines, f"127.0.0.1:{busy_port}", "already in use", "--web-port")


async def test_a_busy_webhook_port_in_webhook_mode(sandbox, migrated, busy_port):
    env = {
        **telegram(sandbox),
        "REDVEST_MODE": "webhook",
        "REDVEST_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
        "REDVEST_WEBHOOK_SECRET": "s3cret",
    }
    code, lines = await redvest("run", "--web-port", "0", "--webhook-port", str(busy_port), cwd=migrated, env=env)
    assert code == 2
    one_line(lines, f"127.0.0.1:{busy_port}", "--webhook-port")


async def test_a_database_that_does_not_answer(sandbox, tmp_path):
    url = f"postgresql+asyncpg://postgres:hunter2@127.0.0.1:{free_port()}/redvest"
    code, lines = await redvest("run", cwd=tmp_path, env={**telegram(sandbox), "REDVEST_DATABASE_URL": url})
    assert code == 2
    one_line(lines, "cannot reach the database", "database.url")
    assert "hunter2" not in lines[0]  # never the password


async def test_a_token_telegram_refuses(sandbox, migrated):
    env = {**telegram(sandbox), "REDVEST_TOKEN": "999:half"}  # half a token, pasted in a hurry: Telegram refuses it
    code, lines = await redvest("run", "--web-port", "0", cwd=migrated, env=env)
    assert code == 2
    one_line(lines, "refused the bot token", "@BotFather")


async def test_a_telegram_that_does_not_answer(migrated):
    env = {"REDVEST_TOKEN": TOKEN, "REDVEST_BASE_URL": f"http://127.0.0.1:{free_port()}/bot"}
    code, lines = await redvest("run", "--web-port", "0", cwd=migrated, env=env)
    assert code == 2
    one_line(lines, "cannot reach Telegram", "telegram.base_url")


async def test_a_database_that_needs_migrating(sandbox, tmp_path):
    code, lines = await redvest("run", "--web-port", "0", cwd=tmp_path, env=telegram(sandbox))
    assert code == 2
    one_line(lines, "redvest db upgrade")


async def test_a_telegram_that_takes_the_connection_but_never_answers(migrated, busy_port):
    # busy_port listens and never answers: a proxy or a firewall that swallows the request
    env = {"REDVEST_TOKEN": TOKEN, "REDVEST_BASE_URL": f"http://127.0.0.1:{busy_port}/bot"}
    code, lines = await redvest("run", "--web-port", "0", cwd=migrated, env=env)
    assert code == 2
    one_line(lines, "did not answer within", "telegram.base_url")
    assert "database" not in lines[0]
