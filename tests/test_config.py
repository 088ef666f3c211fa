"""Configuration: the example documents every key; bad values name the key; the CLI exits 2."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.services.kernel.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _keys(ann, f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return out


def test_example_parses_and_equals_the_defaults():
    assert load_config(EXAMPLE, env={}) == Config()


def test_example_documents_every_key_with_a_comment():
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    section = ""
    commented: set[str] = set()
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("["):
            section = s.strip("[]") + "."
        elif "=" in s and not s.startswith("#"):
            key = section + s.split("=")[0].strip()
            j = i - 1
            while j >= 0 and lines[j].strip() and not lines[j].strip().startswith("#") and "=" in lines[j]:
                j -= 1  # a group of keys under one comment
            if j >= 0 and lines[j].strip().startswith("#"):
                commented.add(key)
    for key in _keys(Config):
        node = data
        for part in key.split("."):
            assert part in node, f"config.example.toml lacks {key}"
            node = node[part]
        assert key in commented, f"{key} has no comment in config.example.toml"


@pytest.mark.parametrize(
    "env,key",
    [
        ({"REDVEST_DATABASE_URL": "mysql://db"}, "database.url"),
        ({"REDVEST_SCHEDULE_VISIT_MORNING": "25:00"}, "schedule.visit_morning"),
        ({"REDVEST_SCHEDULE_DIGEST_DAY": "monday"}, "schedule.digest_day"),
        ({"REDVEST_ADMINS": "12,abc"}, "telegram.admins"),
        ({"REDVEST_TIMEZONE": "Mars/Olympus"}, "bot.timezone"),
        ({"REDVEST_POINTS_TASK_DONE": "ten"}, "points.task_done"),
        ({"REDVEST_MODE": "carrier-pigeon"}, "bot.mode"),
        ({"REDVEST_WEBHOOK_SECRET": "has spaces!"}, "bot.webhook.secret_token"),
    ],
)
def test_bad_values_name_the_key(env, key):
    with pytest.raises(ConfigError) as e:
        load_config(None, env=env)
    assert e.value.key == key
    assert str(e.value).startswith(f"config error: {key}: ")


def test_env_overrides_file(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[telegram]\ntoken = "1:file"\nadmins = [5]\n[points]\ntask_done = 7\n')
    c = load_config(p, env={"REDVEST_TOKEN": "2:env", "REDVEST_ADMINS": "8, 9"})
    assert c.token == "2:env" and c.telegram.admins == [8, 9] and c.points.task_done == 7


def test_unknown_key_is_refused(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[points]\ntask_dne = 7\n")
    with pytest.raises(ConfigError, match="points.task_dne: unknown key"):
        load_config(p, env={})


def _cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("REDVEST_")}
    script = Path(sys.executable).parent / "redvest"  # the installed console script
    return subprocess.run(
        [str(script), *args], cwd=cwd, capture_output=True, text=True, env={**base, **(env or {})}, timeout=60
    )


def test_cli_bad_config_is_one_line_exit_2(tmp_path):
    (tmp_path / "redvest.toml").write_text('[schedule]\nvisit_morning = "8am"\n')
    r = _cli("run", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == "redvest: config error: schedule.visit_morning: '8am' is not a time of day like 08:30"
    assert "Traceback" not in r.stderr


def test_cli_run_without_token_says_how_to_get_one(tmp_path):
    r = _cli("run", cwd=tmp_path)
    assert r.returncode == 2
    assert "@BotFather" in r.stderr and "redvest sandbox" in r.stderr and "Traceback" not in r.stderr


def test_cli_run_on_unmigrated_database_names_the_command(tmp_path):
    r = _cli("run", cwd=tmp_path, env={"REDVEST_TOKEN": "1:abcdefghijkl"})
    assert r.returncode == 2
    assert "redvest db upgrade" in r.stderr and "Traceback" not in r.stderr


def test_cli_db_upgrade_then_admin_add(tmp_path):
    assert _cli("db", "upgrade", cwd=tmp_path).returncode == 0
    r = _cli("admin", "add", "424242", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _cli("admin", "list", cwd=tmp_path)
    assert "424242" in r.stdout
    r = _cli("admin", "add", cwd=tmp_path)
    assert r.returncode == 2 and "needs a Telegram user id" in r.stderr
