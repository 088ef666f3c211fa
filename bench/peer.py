"""The peer of bench/inbound.py: a bare aiogram 3 echo bot (bench/aiogram_echo.py) on the same sandbox
and the same preloaded texts as the PTB echo bots, in an environment of its own.

aiogram 3.31 (the newest) caps pydantic below 2.14, which the bot pins, so aiogram cannot be an extra
of the bot's environment: bench/peer.in names it, bench/peer-requirements.txt pins its set (made with
the pip-compile command at its top), and the first run makes that environment under
~/.cache/redvest/ (or uses the interpreter in REDVEST_BENCH_PEER_PYTHON).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import SandboxProcess, wait_stats
from bench.echo import preload
from bench.inbound_kit import proc_cpu

HERE = Path(__file__).resolve().parent
SCRIPT = str(HERE / "aiogram_echo.py")
REQUIREMENTS = HERE / "peer-requirements.txt"
TOKEN = "123456:bench-aiogram-token"


def peer_python() -> str:
    """The interpreter of the peer's environment, made from bench/peer-requirements.txt if missing."""
    explicit = os.environ.get("REDVEST_BENCH_PEER_PYTHON")
    if explicit:
        return explicit
    tag = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    env = cache / "redvest" / f"bench-peer-{tag}"
    python = env / "bin" / "python"
    if not python.exists():
        print(f"making the peer's environment in {env} (aiogram, once)", file=sys.stderr, flush=True)
        partial = env.with_name(env.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(partial)], check=True)
        pip = [str(partial / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
        partial.rename(env)  # (the venv's scripts name the partial path; only its python is run)
    return str(python)


async def run_aiogram_echo(sb: SandboxProcess, updates: int, chats: int, concurrent: int = 64) -> tuple[float, float]:
    """Preload the texts, start the aiogram echo bot, and time it answering all of them:
    (updates/s, the peer process's CPU seconds per update meanwhile)."""
    before = await preload(sb, updates, chats)
    proc = await asyncio.create_subprocess_exec(
        peer_python(),
        SCRIPT,
        str(sb.port),
        TOKEN,
        str(concurrent),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        ready = await asyncio.wait_for(proc.stdout.readline(), 60)
        if ready.strip() != b"ready":
            raise RuntimeError(f"the aiogram echo bot did not start (it said {ready!r})")
        c0, t0 = proc_cpu(proc.pid), time.perf_counter()
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
        t1 = await wait_stats(sb, "sent", before + updates)
        cpu = proc_cpu(proc.pid) - c0
        proc.stdin.close()
        await asyncio.wait_for(proc.wait(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return updates / (t1 - t0), cpu / updates
