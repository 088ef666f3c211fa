"""Configuration: a TOML file and the environment, read with pydantic-settings into one model.

Every key can be set in the environment as REDVEST_ + its path in capitals with `__` between the
parts (`bot.webhook.port` is REDVEST_BOT__WEBHOOK__PORT); a few keys also have short names
(ENV_ALIASES). The environment wins over the file, the file over the defaults. An unknown key, in
the file or in a REDVEST_ variable, is refused with the nearest valid one. `load_config` is pure:
it takes a path (or None) and an environment mapping and returns a `Config` or raises `ConfigError`
whose message names the key.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from .config_sections import (
    DAY_NAMES,
    DEFAULT_TIME_ZONE,
    TELEGRAM_API,
    BotConfig,
    DatabaseConfig,
    LogConfig,
    OutboxConfig,
    PointsConfig,
    RequestsConfig,
    SandboxConfig,
    ScheduleConfig,
    TelegramConfig,
    WebConfig,
    WebhookConfig,
    WorkersConfig,
)

__all__ = [
    "DAY_NAMES",
    "DEFAULT_PATH",
    "DEFAULT_TIME_ZONE",
    "ENV_ALIASES",
    "TELEGRAM_API",
    "BotConfig",
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "LogConfig",
    "OutboxConfig",
    "PointsConfig",
    "RequestsConfig",
    "SandboxConfig",
    "ScheduleConfig",
    "Setting",
    "TelegramConfig",
    "WebConfig",
    "WebhookConfig",
    "WorkersConfig",
    "env_name",
    "keys",
    "load_config",
    "settings",
]

DEFAULT_PATH = Path("redvest.toml")
ENV_PREFIX = "REDVEST_"
# short names for the keys people set most, beside the REDVEST_SECTION__KEY form every key has
ENV_ALIASES = {
    "REDVEST_TOKEN": "telegram.token",
    "REDVEST_BASE_URL": "telegram.base_url",
    "REDVEST_ADMINS": "telegram.admins",
    "REDVEST_DATABASE_URL": "database.url",
    "REDVEST_MODE": "bot.mode",
    "REDVEST_LOCALE": "bot.default_locale",
    "REDVEST_TIMEZONE": "bot.timezone",
    "REDVEST_WEBHOOK_URL": "bot.webhook.url",
    "REDVEST_WEBHOOK_SECRET": "bot.webhook.secret_token",
}
NOT_KEYS = {"REDVEST_CONFIG"}  # the file's path, not a key


class ConfigError(Exception):
    """A bad configuration value; str() is one line naming the key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"config error: {key}: {problem}")
        self.key = key


class Config(BaseSettings):
    """The whole configuration. `Config()` is the defaults; `load_config` adds the file and the
    environment (pydantic-settings: REDVEST_ + the key with `__` between its parts)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", validate_assignment=True
    )

    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    bot: BotConfig = Field(default_factory=BotConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    requests: RequestsConfig = Field(default_factory=RequestsConfig)
    points: PointsConfig = Field(default_factory=PointsConfig)
    outbox: OutboxConfig = Field(default_factory=OutboxConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    workers: WorkersConfig = Field(default_factory=WorkersConfig)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    log: LogConfig = Field(default_factory=LogConfig)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # only what it is given: load_config reads the file and the environment it is handed
        return (init_settings,)

    @property
    def token(self) -> str:
        return self.telegram.token.get_secret_value()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.bot.timezone)


def keys(model: type[BaseModel] = Config, prefix: str = "") -> list[str]:
    """Every key's dotted path (`bot.webhook.port`), in the order the models declare them."""
    out = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += keys(ann, f"{prefix}{name}.")
        else:
            out.append(f"{prefix}{name}")
    return out


def env_name(key: str) -> str:
    """The variable that sets `key`: bot.webhook.port -> REDVEST_BOT__WEBHOOK__PORT."""
    return ENV_PREFIX + key.replace(".", "__").upper()


def _nearest(word: str, choices: list[str]) -> str:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {found[0]}?" if found else " (config.example.toml lists every key)"


class _GivenEnv(EnvSettingsSource):
    """pydantic-settings' environment source over the mapping load_config is given (os.environ
    unless a caller passes another). `_load_env_vars` is the source's hook for where variables come
    from; tests/test_config.py fails loudly if the hook stops being used."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._given = {name.lower(): value for name, value in env.items()}
        super().__init__(Config, case_sensitive=False, env_prefix=ENV_PREFIX, env_nested_delimiter="__")

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._given


def _config_env(env: Mapping[str, str]) -> dict[str, str]:
    """The REDVEST_ variables that set keys, aliases turned into their REDVEST_SECTION__KEY names;
    a variable that looks like a key but is none is refused with the nearest valid name."""
    valid = {env_name(k): k for k in keys()}
    sections = {name.upper() for name in Config.model_fields}
    out: dict[str, str] = {}
    for raw, value in env.items():
        name = raw.upper()
        if not name.startswith(ENV_PREFIX) or name in NOT_KEYS:
            continue
        if name in ENV_ALIASES:
            out[env_name(ENV_ALIASES[name])] = value
        elif name in valid:
            out[name] = value
        else:
            rest = name[len(ENV_PREFIX) :]
            looks_like_a_key = "__" in rest or rest.split("_")[0] in sections
            near_an_alias = difflib.get_close_matches(name, list(ENV_ALIASES), n=1, cutoff=0.85)
            if looks_like_a_key or near_an_alias:  # others (REDVEST_TEST_PG...) belong to other tools
                raise ConfigError(raw, "unknown variable" + _nearest(name, [*valid, *ENV_ALIASES]))
    return out


def _read_file(path: str | Path | None, env: Mapping[str, str]) -> tuple[Path | None, dict[str, Any]]:
    if path is None and env.get("REDVEST_CONFIG"):
        path = env["REDVEST_CONFIG"]
    if path is None and not DEFAULT_PATH.exists():
        return None, {}
    p = Path(path) if path is not None else DEFAULT_PATH
    try:
        return p, tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(p), "file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(p), f"not valid TOML ({e})") from None


def _merged(low: dict[str, Any], high: dict[str, Any]) -> dict[str, Any]:
    out = dict(low)
    for k, v in high.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _validated(data: dict[str, Any]) -> Config:
    try:
        return Config(**data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key" + _nearest(key, keys())
        raise ConfigError(key, msg) from None


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read `path` (default ./redvest.toml if present, else built-in defaults), then the environment."""
    return _load(path, os.environ if env is None else env)[0]


def _load(
    path: str | Path | None, env: Mapping[str, str]
) -> tuple[Config, Path | None, dict[str, Any], dict[str, str]]:
    file, data = _read_file(path, env)
    variables = _config_env(env)
    try:
        from_env = _GivenEnv(variables)()
    except Exception as e:  # pydantic-settings could not read a value (say, JSON for a list)
        raise ConfigError("environment", str(e).splitlines()[0]) from None
    return _validated(_merged(data, from_env)), file, data, variables


@dataclass(frozen=True)
class Setting:
    key: str
    value: str  # as shown: secrets masked
    source: str  # "default", "file redvest.toml", "env REDVEST_WEB__PORT"


def settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Iterator[Setting]:
    """Every key's effective value and where it came from (`redvest config show`)."""
    env = os.environ if env is None else env
    cfg, file, data, variables = _load(path, env)
    given = {name.upper(): name for name in env}
    by_key = {key: name for name, key in ENV_ALIASES.items() if name in given}
    by_key.update({k: env_name(k) for k in keys() if env_name(k) in variables and env_name(k) in given})
    for key in keys():
        value: Any = cfg
        node: Any = data
        for part in key.split("."):
            value = getattr(value, part)
            node = node.get(part) if isinstance(node, dict) else None
        if key in by_key:
            source = f"env {by_key[key]}"
        elif node is not None:
            source = f"file {file}"
        else:
            source = "default"
        yield Setting(key, _shown(key, value), source)


def _shown(key: str, value: Any) -> str:
    if isinstance(value, SecretStr):
        return "(set, hidden)" if value.get_secret_value() else "(not set)"
    if key == "database.url" and "@" in str(value):
        from sqlalchemy.engine import make_url

        return make_url(str(value)).render_as_string(hide_password=True)
    return str(value) if not isinstance(value, bool) else str(value).lower()
