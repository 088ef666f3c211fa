"""Logs never carry what people typed: addresses, phones, requests, names.

Installed as the logging record factory (`install()`), so it applies to every logger and handler:
- the records of libraries that log what passes through them (python-telegram-bot: Bot API
  parameters and whole updates at DEBUG; SQLAlchemy and aiosqlite: SQL parameters) keep their
  text but every argument that is not a plain name or number is replaced by `<hidden>`;
- exception tracebacks keep their frames and exception types, but the exception *messages* are
  hidden (they can quote data, e.g. a value that failed to parse), except for the network and
  database failures an operator needs to read.
Our own code logs ids and kinds only (see docs/architecture.md, Privacy).
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from typing import Any

HIDDEN = "<hidden>"
_SAFE_ARG = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,63}$")  # method names, not URLs (they hold the token)
_installed = False
# libraries that log what passes through them (Bot API calls, updates, SQL parameters) at DEBUG
LIBRARIES = ("telegram", "sqlalchemy", "aiosqlite", "asyncpg", "httpx", "httpcore", "apscheduler")


def _readable_error(exc: BaseException) -> bool:
    """Errors whose messages are about infrastructure, not about people."""
    if isinstance(exc, (OSError, asyncio.TimeoutError, TimeoutError)):
        return True
    mod = type(exc).__module__
    name = type(exc).__name__
    if mod.startswith("telegram") and name in (
        "NetworkError",
        "TimedOut",
        "RetryAfter",
        "Conflict",
        "InvalidToken",
        "Forbidden",
    ):
        return True
    return mod.startswith("sqlalchemy") and name in (
        "OperationalError",
        "InterfaceError",
        "TimeoutError",
        "DisconnectionError",
    )


def _message_attribute() -> str:
    """Where a TracebackException keeps the exception's message: `_str`, a private attribute (there
    is no public way to replace the message). A Python that renames it fails here, at import, in
    every test, instead of logging messages unhidden."""
    probe = traceback.TracebackException(ValueError, ValueError("probe"), None)
    if vars(probe).get("_str") != "probe":
        raise RuntimeError("traceback.TracebackException has no _str any more: bot.logprivacy needs updating")
    return "_str"


_MESSAGE = _message_attribute()


def _hide_messages(te: traceback.TracebackException, exc: BaseException | None, depth: int = 0) -> None:
    if depth > 10:
        return
    orig = getattr(exc, "orig", None) if exc is not None and type(exc).__module__.startswith("sqlalchemy") else None
    if exc is not None and not _readable_error(exc):
        vars(te)[_MESSAGE] = HIDDEN
    elif orig is not None:
        vars(te)[_MESSAGE] = f"{type(orig).__name__}: {orig}"  # not the SQL parameters
        # some exceptions add notes (PEP 678); they can quote data too
        te.__notes__ = None
    if te.__cause__ is not None:
        _hide_messages(te.__cause__, exc.__cause__ if exc is not None else None, depth + 1)
    if te.__context__ is not None:
        _hide_messages(te.__context__, exc.__context__ if exc is not None else None, depth + 1)
    for sub_te, sub in zip(getattr(te, "exceptions", None) or [], getattr(exc, "exceptions", None) or [], strict=False):
        _hide_messages(sub_te, sub, depth + 1)


def safe_traceback(exc_info: Any) -> str:
    _type, value, tb = exc_info
    te = traceback.TracebackException(type(value), value, tb, capture_locals=False)
    _hide_messages(te, value)
    return "".join(te.format()).rstrip("\n")


def _safe_arg(a: Any) -> Any:
    if isinstance(a, bool) or isinstance(a, (int, float)):
        return a
    if isinstance(a, str) and _SAFE_ARG.match(a):
        return a
    return HIDDEN


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    if record.name.startswith(LIBRARIES) and record.args:  # updates, API calls, SQL parameters
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        record.args = tuple(_safe_arg(a) for a in args)
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        try:
            record.exc_text = safe_traceback(record.exc_info)
        except Exception:  # never let logging itself fail
            record.exc_text = f"{type(record.exc_info[1]).__name__}: {HIDDEN}"
    return record


def install() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _scrub(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
