"""Honest dependencies: each lower bound in pyproject.toml is the version constraints.txt pins (the
set the tests ran with), that set is what is installed, and the one private attribute of a
dependency that the code uses is still there."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, _, ver = line.strip().partition("==")
            out[_norm(name)] = ver
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]


def test_every_lower_bound_is_the_version_the_tests_ran_with():
    pinned = pins()
    for req in requirements():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?>=([^,]+)(,<.+)?", req)
        assert m, f"{req}: every dependency has a lower bound"
        name, bound = _norm(m.group(1)), m.group(3)
        assert pinned.get(name) == bound, f"{req}: constraints.txt pins {pinned.get(name)}"


def test_the_pinned_set_is_what_is_installed():
    wrong = {name: (ver, version(name)) for name, ver in pins().items() if version(name) != ver}
    assert not wrong, f"installed versions differ from constraints.txt (pinned, installed): {wrong}"


def test_the_private_aiosqlite_worker_that_storage_runs_is_still_there():
    # storage/sqlite_inline.py runs aiosqlite's connection worker on its own thread
    from aiosqlite import core

    assert callable(core._connection_worker_thread)
