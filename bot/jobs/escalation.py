"""Every schedule.escalation_check_minutes: requests nobody accepted in time go up (grid leader,
then admins) and done tasks the resident never confirmed are confirmed. Both services belong to
the request loop and are idempotent; if they are not installed the check does nothing.
Window: the current interval only (a missed check is not worth replaying; the next one covers it)."""
from __future__ import annotations

import importlib
import logging
from datetime import UTC, datetime, timedelta

from bot.services.kernel.core import Core

from . import Due, Job

log = logging.getLogger(__name__)
NAME = "escalation-check"
CHECKS = (("bot.services.requests.escalation", "escalate_overdue"), ("bot.services.requests.ratings", "auto_confirm_due"))
_missing: set[str] = set()


def bucket(now: datetime, minutes: int) -> tuple[datetime, datetime]:
    step = minutes * 60
    start = datetime.fromtimestamp(int(now.timestamp()) // step * step, UTC)
    return start, start + timedelta(seconds=step)


async def due(core: Core, now: datetime) -> list[Due]:
    opens, closes = bucket(now, core.cfg.schedule.escalation_check_minutes)
    return [Due(NAME, opens.strftime("%Y-%m-%dT%H:%M"), opens, closes)]


def _check(module: str, name: str):  # type: ignore[no-untyped-def]
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise
    except AttributeError:
        pass
    if module not in _missing:
        _missing.add(module)
        log.info("escalation check: %s.%s is not available; skipped", module, name)
    return None


async def run(core: Core, d: Due) -> int:
    done = 0
    for module, name in CHECKS:
        fn = _check(module, name)
        if fn is not None:
            result = await fn(core)
            done += result if isinstance(result, int) else len(result) if isinstance(result, (list, tuple)) else 0
    return done


JOB = Job(NAME, due, run)
