"""What a log line is about, and how lines are written.

The update being handled and the scheduled job running are carried in context variables, so every
line logged on their behalf names them (`update_id`, `job`), never a person. `log.format = "json"`
writes one JSON object a line (python-json-logger) for a log collector; "text" is for people.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from types import TracebackType
from typing import Literal, TextIO

from pythonjsonlogger.json import JsonFormatter

from .logprivacy import safe_traceback

UPDATE_ID: ContextVar[int | None] = ContextVar("redvest_update_id", default=None)
JOB: ContextVar[str | None] = ContextVar("redvest_job", default=None)
LogFormat = Literal["text", "json"]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class ContextFilter(logging.Filter):
    """Adds `update_id` and `job` to every record (None when the line is about neither)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # as logging's own `extra=` does: the record's attributes are its __dict__
        record.__dict__.update(update_id=UPDATE_ID.get(), job=JOB.get())
        return True


class _Text(logging.Formatter):
    """`time LEVEL logger [update 42, job digest]: message`."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        update_id, job = record.__dict__.get("update_id"), record.__dict__.get("job")
        about = [f"update {update_id}"] if update_id is not None else []
        about += [f"job {job}"] if job else []
        where = f" [{', '.join(about)}]" if about else ""
        return f"{record.asctime} {record.levelname} {record.name}{where}: {record.message}"


class _Json(JsonFormatter):
    def formatException(self, ei: ExcInfo) -> str:
        # the traceback with exception messages hidden, as the text format writes it (bot.logprivacy)
        return safe_traceback(ei) if ei[1] is not None else ""


def formatter(fmt: LogFormat) -> logging.Formatter:
    if fmt == "json":
        return _Json(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(update_id)s %(job)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return _Text("%(asctime)s")


class _Ours(logging.StreamHandler[TextIO]):
    """The handler `setup` installs (so a second setup replaces it)."""


def setup(level: int, fmt: LogFormat) -> None:
    """One handler on standard error, in `fmt`, with the context of every line. Like
    logging.basicConfig, it leaves alone a process whose logging someone else set up (a test runner)."""
    root = logging.getLogger()
    if any(not isinstance(h, _Ours) for h in root.handlers):
        return
    for old in list(root.handlers):
        root.removeHandler(old)
    handler = _Ours()
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter(fmt))
    root.addHandler(handler)
    root.setLevel(level)
