"""Telling "the database is away" (retry the update later) from a bug (report it).

`database_guard` is the first error handler: for an unreachable database it flags the update being
handled (the gate then gives it back to Telegram) and stops the other error handlers, so nobody is
told "something went wrong" for what will be retried.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import metrics

log = logging.getLogger("bot.gate.updates")


@dataclass
class Attempt:
    """What went wrong while handling the current update."""

    db_down: bool = False


attempt_var: contextvars.ContextVar[Attempt | None] = contextvars.ContextVar("redvest_update_attempt", default=None)


def is_db_unavailable(error: BaseException | None) -> bool:
    """Is this (or what caused it) the database being away, rather than a bug?"""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, TelegramError):
            return False  # Telegram unreachable or slow: the handler's effects may be done; no retry
        if isinstance(
            error,
            (
                sa_exc.OperationalError,
                sa_exc.InterfaceError,
                sa_exc.TimeoutError,
                sa_exc.DisconnectionError,
                OSError,
                asyncio.TimeoutError,
            ),
        ):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        if type(error).__module__.startswith("asyncpg") and any(
            c.__name__ in ("PostgresConnectionError", "InterfaceError", "ConnectionDoesNotExistError")
            for c in type(error).__mro__
        ):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


async def database_guard(update: object, context: Any) -> None:
    """First error handler: the database being away is not a bug to report to the user. The update
    is retried (webhook 503 / polling does not confirm it); other error handlers are skipped."""
    if not is_db_unavailable(context.error):
        return
    attempt = attempt_var.get()
    if attempt is not None:
        attempt.db_down = True
    metrics.DB_UNAVAILABLE.inc()
    uid = getattr(update, "update_id", None)
    log.warning(
        "database unreachable (%s) while handling %s",
        type(context.error).__name__,
        f"update {uid}; it will be retried" if uid is not None else "background work",
    )
    raise ApplicationHandlerStop
