"""The Telegram webhook endpoint (`redvest run` in webhook mode serves it on the bot's web server).

Telegram re-sends an update until it gets a 2xx, so the answer is 200 only once the update is
handled and recorded (or was handled before); 503 when the database is unreachable or another
worker holds the update; 401/403 without the right secret; 413 too large; 400 not an update.
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
from typing import Any

from aiohttp import web
from telegram import TelegramObject, Update

from bot import metrics
from bot.gate.updates import Outcome

from .keys import CORE, PTB

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHUNK = 64 * 1024
INT64 = 2**63  # Telegram's ids fit a signed 64-bit integer, and so do our BIGINT columns


class NotAnUpdate(ValueError):
    """A body refused with a 400, and why (for the log line: never the body itself)."""


def _bounded_int(digits: str) -> int:
    value = int(digits)
    if not -INT64 <= value < INT64:
        raise NotAnUpdate("a number outside 64 bits")
    return value


def parse_body(body: bytes) -> Any:
    """JSON as Telegram sends it: no number beyond 64 bits, no nesting deeper than the parser's
    stack (a body of 20,000 nested arrays fits in max_body_bytes)."""
    try:
        return json.loads(body, parse_int=_bounded_int)
    except NotAnUpdate:
        raise
    except RecursionError:
        raise NotAnUpdate("nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise NotAnUpdate("not JSON") from None


_REQUIRED: dict[type, tuple[str, ...]] = {}


def _required(cls: type) -> tuple[str, ...]:
    """Constructor arguments without a default: Telegram always sends them."""
    known = _REQUIRED.get(cls)
    if known is None:
        try:
            params = list(inspect.signature(cls).parameters.values())
        except (TypeError, ValueError):
            params = []
        known = _REQUIRED[cls] = tuple(
            p.name
            for p in params
            if p.name not in ("self", "api_kwargs")
            and p.default is p.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        )
    return known


def well_formed(obj: object, depth: int = 0) -> bool:
    """python-telegram-bot builds objects leniently (a missing required field becomes None);
    handlers may rely on what Telegram guarantees, so such a body is refused here."""
    if depth > 12:
        return False
    if isinstance(obj, (list, tuple)):
        return all(well_formed(o, depth + 1) for o in obj)
    if not isinstance(obj, TelegramObject):
        return True
    if any(getattr(obj, name, None) is None for name in _required(type(obj))):
        return False
    return all(
        well_formed(getattr(obj, name, None), depth + 1)
        for cls in type(obj).__mro__
        for name in getattr(cls, "__slots__", ())
        if not name.startswith("_")
    )


def _answer(status: int, description: str, retry_after: int | None = None) -> web.Response:
    metrics.WEBHOOK_REQUESTS.labels(str(status)).inc()
    if 400 <= status < 500:
        log.warning("webhook: %s %s", status, description)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return web.json_response({"ok": 200 <= status < 300, "description": description}, status=status, headers=headers)


async def _read_limited(request: web.Request, limit: int) -> bytes | None:
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    while True:
        chunk = await request.content.read(CHUNK)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            return None


async def receive(request: web.Request) -> web.Response:
    core, ptb = request.app[CORE], request.app[PTB]
    cfg = core.cfg.bot.webhook
    secret = cfg.secret_token.get_secret_value()
    given = request.headers.get(SECRET_HEADER)
    if secret:
        if given is None:
            return _answer(401, "secret token missing")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return _answer(403, "wrong secret token")
    body = await _read_limited(request, cfg.max_body_bytes)
    if body is None:
        return _answer(413, "update too large")
    try:
        data = parse_body(body)
    except NotAnUpdate as e:
        return _answer(400, f"body refused: {e}")
    if not isinstance(data, dict):
        return _answer(400, "not a Telegram update")
    uid = data.get("update_id")
    if not isinstance(uid, int) or isinstance(uid, bool) or uid < 0:
        return _answer(400, "not a Telegram update")
    try:
        update = Update.de_json(data, ptb.bot)
        complete = well_formed(update)
    except (Exception, RecursionError):  # whatever the shape, it is not an update we can handle
        return _answer(400, "not a Telegram update")
    if not complete:
        return _answer(400, "not a Telegram update")
    if ptb.bot_data.get("stopping"):
        return _answer(503, "stopping", retry_after=1)
    outcome = await ptb.bot_data["gate"].submit(update)
    if outcome is Outcome.done:
        return _answer(200, "handled")
    if outcome is Outcome.duplicate:
        return _answer(200, "already handled")
    if outcome is Outcome.busy:
        return _answer(503, "being handled by another worker", retry_after=1)
    return _answer(503, "database unreachable", retry_after=1)
