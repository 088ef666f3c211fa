"""The configuration's sections: one pydantic model each, every key with its default and its check.
(bot/services/kernel/config.py reads them from the TOML file and the environment.)"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

TELEGRAM_API = "https://api.telegram.org/bot"
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# the programmes redvest serves are in China; `bot.timezone` changes it for a whole installation
DEFAULT_TIME_ZONE = "Asia/Shanghai"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TelegramConfig(_Section):
    token: SecretStr = SecretStr("")
    base_url: str = TELEGRAM_API
    base_file_url: str = ""
    # NoDecode: from the environment a comma-separated list ("8, 9"), not JSON
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    concurrent_updates: int = Field(default=64, ge=1, le=1024)

    @field_validator("admins", mode="before")
    @classmethod
    def _comma_list(cls, v: Any) -> Any:
        if isinstance(v, str):
            try:
                return [int(x) for x in v.replace(" ", "").split(",") if x]
            except ValueError:
                raise ValueError(f"{v!r} is not a comma-separated list of Telegram user ids") from None
        return v


class WebhookConfig(_Section):
    url: str = ""
    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=0, le=65535)
    path: str = "/telegram/webhook"
    secret_token: SecretStr = SecretStr("")
    max_body_bytes: int = Field(default=1_000_000, ge=1024)

    @field_validator("secret_token")
    @classmethod
    def _secret_shape(cls, v: SecretStr) -> SecretStr:
        raw = v.get_secret_value()
        if raw and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return v


class BotConfig(_Section):
    mode: Literal["polling", "webhook"] = "polling"
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    timezone: str = DEFAULT_TIME_ZONE  # new communities' zone, and the fallback for an unknown one
    # a guided conversation (a request, the sign-up, ...) left unanswered this long ends; its draft is deleted
    conversation_idle_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name like Asia/Shanghai)") from None
        return v


class DatabaseConfig(_Section):
    url: str = "sqlite+aiosqlite:///redvest.db"
    echo: bool = False
    pool_size: int = Field(default=10, ge=1, le=200)

    @field_validator("url")
    @classmethod
    def _supported(cls, v: str) -> str:
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return v


def _hhmm(v: str) -> str:
    if not _TIME_RE.match(v):
        raise ValueError(f"{v!r} is not a time of day like 08:30")
    return v


class ScheduleConfig(_Section):
    visit_day: str = "fri"
    visit_morning: str = "08:00"
    visit_evening: str = "18:00"
    digest_day: str = "mon"
    digest_time: str = "08:00"
    service_day_rule: str = "first mon"
    service_day_time: str = "09:00"
    escalation_check_minutes: int = Field(default=5, ge=1, le=1440)
    retention_time: str = "03:00"
    misfire_grace_seconds: int = Field(default=3600, ge=1)

    _check_times = field_validator(
        "visit_morning", "visit_evening", "digest_time", "service_day_time", "retention_time"
    )(_hhmm)

    @field_validator("visit_day", "digest_day")
    @classmethod
    def _day(cls, v: str) -> str:
        if v not in DAY_NAMES:
            raise ValueError(f"{v!r} is not a day name ({', '.join(DAY_NAMES)})")
        return v

    @field_validator("service_day_rule")
    @classmethod
    def _rule(cls, v: str) -> str:
        parts = v.split()
        if (
            len(parts) != 2
            or parts[0] not in ("first", "second", "third", "fourth", "last")
            or parts[1] not in DAY_NAMES
        ):
            raise ValueError(f"{v!r} is not a rule like 'first mon' or 'last fri'")
        return v

    def at(self, key: str) -> time:
        hh, mm = getattr(self, key).split(":")
        return time(int(hh), int(mm))


class RequestsConfig(_Section):
    escalate_to_leader_minutes: int = Field(default=60, ge=1)
    escalate_to_admins_minutes: int = Field(default=240, ge=1)
    leader_confirm_after_hours: int = Field(default=48, ge=1)
    max_open_tasks_per_volunteer: int = Field(default=3, ge=1, le=100)
    unit_claim_remind_hours: int = Field(default=4, ge=1, le=24 * 14)
    retention_days: int = Field(default=180, ge=1)
    code_prefix: str = Field(default="A", pattern=r"^[A-Z]{1,3}$")


class PointsConfig(_Section):
    task_done: int = 10
    per_hour: int = 2
    five_star_bonus: int = 2
    visit_logged: int = 3
    event_attended: int = 5
    emergency_duty: int = 10


class OutboxConfig(_Section):
    per_second: float = Field(default=29.0, gt=0, le=1000)
    per_group_per_minute: int = Field(default=19, ge=1, le=60)
    max_attempts: int = Field(default=8, ge=1)
    poll_seconds: float = Field(default=1.0, gt=0)
    forget_sent_after_hours: int = Field(default=24, ge=1, le=24 * 120)
    # Telegram's paid broadcasts: sends carry allow_paid_broadcast, 0.1 Star each over the free 30/s
    paid_broadcast: bool = False
    paid_per_second: float = Field(default=950.0, gt=0, le=1000)


class WebConfig(_Section):
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    public_url: str = "http://127.0.0.1:8080"
    secret_key: SecretStr = SecretStr("")
    outbox_stuck_seconds: int = Field(default=300, ge=30, le=86400)
    metrics_listen: str = ""
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    metrics_token: SecretStr = SecretStr("")


class LogConfig(_Section):
    format: Literal["text", "json"] = "text"


class WorkersConfig(_Section):
    leader_retry_seconds: float = Field(default=5.0, gt=0, le=300)
    update_lease_seconds: int = Field(default=60, ge=1, le=86400)
    shutdown_timeout_seconds: float = Field(default=30.0, gt=0, le=600)


class SandboxConfig(_Section):
    listen: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)
    demo: bool = True
    token: str = "123456:sandbox-token-redvest"
