"""Configuration: the example documents every key; bad values name the key; the CLI exits 2."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.services.kernel.config import Config, ConfigError, env_name, keys, load_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


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
    for key in keys():
        node = data
        for part in key.split("."):
            assert part in node, f"config.example.toml lacks {key}"
            node = node[part]
        assert key in commented, f"{key} has no comment in config.example.toml"


@pytest.mark.parametrize(
    "env,key",
    [
        ({"REDVEST_DATABASE_URL": "mysql://db"}, "database.url"),
        ({"REDVEST_SCHEDULE__VISIT_MORNING": "25:00"}, "schedule.visit_morning"),
        ({"REDVEST_SCHEDULE__DIGEST_DAY": "monday"}, "schedule.digest_day"),
        ({"REDVEST_ADMINS": "12,abc"}, "telegram.admins"),
        ({"REDVEST_TIMEZONE": "Mars/Olympus"}, "bot.timezone"),
        ({"REDVEST_POINTS__TASK_DONE": "ten"}, "points.task_done"),
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


def _as_env(value) -> str:
    """A value as a person would write it in an environment variable."""
    from pydantic import SecretStr

    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def test_every_key_can_be_set_from_the_environment_with_double_underscores():
    defaults = Config()
    for key in keys():
        value = defaults
        for part in key.split("."):
            value = getattr(value, part)
        assert load_config(None, env={env_name(key): _as_env(value)}) == defaults, key
    c = load_config(
        None,
        env={
            "REDVEST_BOT__WEBHOOK__PORT": "9443",
            "REDVEST_BOT__WEBHOOK__SECRET_TOKEN": "s3cret",
            "REDVEST_TELEGRAM__ADMINS": "8, 9",
            "REDVEST_SCHEDULE__VISIT_MORNING": "07:30",
            "REDVEST_DATABASE__ECHO": "true",
        },
    )
    assert c.bot.webhook.port == 9443 and c.bot.webhook.secret_token.get_secret_value() == "s3cret"
    assert c.telegram.admins == [8, 9] and c.schedule.visit_morning == "07:30" and c.database.echo is True


def test_the_environment_wins_over_the_file_and_the_file_over_the_defaults(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[web]\nport = 9001\nlisten = '0.0.0.0'\n")
    c = load_config(p, env={"REDVEST_WEB__PORT": "9002"})
    assert c.web.port == 9002 and c.web.listen == "0.0.0.0" and c.web.public_url == Config().web.public_url


@pytest.mark.parametrize(
    "where,setting,message",
    [
        ("file", "[web]\nprot = 1\n", "config error: web.prot: unknown key; did you mean web.port?"),
        ("file", "[bot.webhook]\nsecret = 'x'\n", "did you mean bot.webhook.secret_token?"),
        ("env", {"REDVEST_WEB__PROT": "1"}, "REDVEST_WEB__PROT: unknown variable; did you mean REDVEST_WEB__PORT?"),
        ("env", {"REDVEST_BOT_WEBHOOK_PORT": "1"}, "did you mean REDVEST_BOT__WEBHOOK__PORT?"),
        ("env", {"REDVEST_TOKN": "1:x"}, "did you mean REDVEST_TOKEN?"),
    ],
)
def test_an_unknown_key_names_the_nearest_valid_one(tmp_path, where, setting, message):
    path = None
    if where == "file":
        path = tmp_path / "c.toml"
        path.write_text(setting)
    with pytest.raises(ConfigError) as e:
        load_config(path, env=setting if where == "env" else {})
    assert message in str(e.value)


def test_variables_of_other_tools_are_left_alone():
    assert load_config(None, env={"REDVEST_TEST_PG": "postgresql://x", "REDVEST_FUZZ_RANDOM": "1"}) == Config()


def test_only_the_given_environment_is_read(monkeypatch):
    # pydantic-settings' environment source is pointed at the mapping load_config is given through its
    # _load_env_vars hook: if a new pydantic-settings stops calling it, this fails
    monkeypatch.setenv("REDVEST_WEB__PORT", "1234")
    assert load_config(None, env={}).web.port == Config().web.port
    assert load_config(None, env={"REDVEST_WEB__PORT": "4321"}).web.port == 4321
    assert load_config(None).web.port == 1234  # os.environ when none is given


def test_config_show_masks_secrets_and_says_where_each_value_came_from(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    for name in [n for n in os.environ if n.startswith("REDVEST_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "redvest.toml").write_text("[web]\nport = 9001\nsecret_key = 'very-secret-key'\n")
    monkeypatch.setenv("REDVEST_TOKEN", "123:secret-token-value")
    monkeypatch.setenv("REDVEST_BOT__WEBHOOK__PORT", "9443")
    monkeypatch.setenv("REDVEST_DATABASE_URL", "postgresql+asyncpg://bot:pa55word@db/redvest")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    lines = {line.split(" = ")[0]: line for line in out.splitlines() if " = " in line and not line.startswith("#")}
    assert "# file redvest.toml" in lines["web.port"] and "9001" in lines["web.port"]
    assert "# env REDVEST_BOT__WEBHOOK__PORT" in lines["bot.webhook.port"] and "9443" in lines["bot.webhook.port"]
    assert "# env REDVEST_TOKEN" in lines["telegram.token"] and "# default" in lines["web.listen"]
    assert "# env REDVEST_DATABASE_URL" in lines["database.url"] and "bot:***@db" in lines["database.url"]
    assert not any(secret in out for secret in ("secret-token-value", "very-secret-key", "pa55word"))
    assert set(lines) == set(keys())
