"""Dashboard logins without passwords: one-time links from the bot, then a web session.

A link carries a random token plus an HMAC signature made with `web.secret_key`; only the
token's SHA-256 is stored (LoginToken). It is valid for 10 minutes and can be used once.
Redeeming it opens a WebSession: the browser keeps a random session token in an HttpOnly
cookie, the database only its hash, and every form carries the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.roles import Actor, ensure_person, is_any_admin, led_grids
from storage import audit
from storage.models import LoginToken, Person, WebSession

log = logging.getLogger(__name__)

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)
LOGIN_PATH = "/dashboard/login"
_process_key: bytes | None = None


def signing_key(core: Core) -> bytes:
    """The configured secret; without one a random key for this process (links then only
    work on the process that made them, and not after a restart)."""
    global _process_key
    configured = core.cfg.web.secret_key.get_secret_value()
    if configured:
        return configured.encode()
    if _process_key is None:
        _process_key = secrets.token_bytes(32)
        log.warning(
            "web.secret_key is not set: using a random key for this process; dashboard links "
            "stop working after a restart and across processes (set web.secret_key)"
        )
    return _process_key


def as_utc(when: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were stored in UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _sign(core: Core, raw: str) -> str:
    return hmac.new(signing_key(core), raw.encode(), hashlib.sha256).hexdigest()[:24]


def _unsign(core: Core, token: str) -> str | None:
    """The random part of a well-formed, correctly signed link token; None otherwise."""
    raw, dot, sig = (token or "").strip().rpartition(".")
    if not dot or not (20 <= len(raw) <= 100) or len(sig) != 24:
        return None
    return raw if hmac.compare_digest(_sign(core, raw), sig) else None


class LinkState(StrEnum):
    valid = "valid"
    invalid = "invalid"  # forged, mistyped, or unknown
    expired = "expired"
    used = "used"


@dataclass(frozen=True)
class LoginLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class NewSession:
    """What the web layer puts in the cookie (`token`); the database keeps only its hash."""

    token: str
    person_id: int
    csrf_token: str
    locale: str
    expires_at: datetime


async def may_use_dashboard(session: AsyncSession, person: Person) -> bool:
    """Grid leaders and admins (community admins, superadmins) only."""
    return bool(await led_grids(session, person)) or await is_any_admin(session, person)


async def issue_login_link(core: Core, actor: Actor) -> LoginLink:
    """A fresh one-time link for this person; NotAllowed for anyone who leads nothing."""
    now = core.clock.now()
    raw = secrets.token_urlsafe(32)
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if not await may_use_dashboard(s, person):
            raise NotAllowed("dashboard.not_allowed")
        await _purge(s, now)
        s.add(LoginToken(token_hash=_sha256(raw), person_id=stored_id(person.id), expires_at=now + LINK_TTL))
        await audit.record(s, person.id, "dashboard.link", "person", person.id)
    url = f"{core.cfg.web.public_url.rstrip('/')}{LOGIN_PATH}?t={raw}.{_sign(core, raw)}"
    return LoginLink(url=url, expires_at=now + LINK_TTL)


async def _purge(session: AsyncSession, now: datetime) -> None:
    """Drop spent links and sessions so the tables stay small."""
    await session.execute(delete(LoginToken).where(col(LoginToken.expires_at) < now - timedelta(days=1)))
    await session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))


async def check_login_link(core: Core, token: str) -> LinkState:
    """What the link is worth, without using it (the page that asks "open the dashboard?")."""
    raw = _unsign(core, token)
    if raw is None:
        return LinkState.invalid
    async with core.db.session() as s:
        row = (await s.execute(select(LoginToken).where(col(LoginToken.token_hash) == _sha256(raw)))).scalars().first()
    if row is None:
        return LinkState.invalid
    if row.used_at is not None:
        return LinkState.used
    return LinkState.expired if as_utc(row.expires_at) <= core.clock.now() else LinkState.valid


async def redeem_login_link(core: Core, token: str) -> NewSession:
    """Use the link (once, atomically) and open a web session. Raises NotAllowed with a key
    that tells a forged/unknown link from an expired or already used one."""
    state = await check_login_link(core, token)
    if state is not LinkState.valid:
        raise NotAllowed(f"dashboard.refused.{state.value}")
    raw = _unsign(core, token)
    assert raw is not None
    now = core.clock.now()
    async with core.db.session() as s:
        person_id = await s.scalar(
            update(LoginToken)
            .where(
                col(LoginToken.token_hash) == _sha256(raw),
                col(LoginToken.used_at).is_(None),
                col(LoginToken.expires_at) > now,
            )
            .values(used_at=now)
            .returning(col(LoginToken.person_id))
        )
        if person_id is None:  # someone used it between the check and now
            raise NotAllowed("dashboard.refused.used")
        person = await s.get(Person, person_id)
        if person is None or not await may_use_dashboard(s, person):
            raise NotAllowed("dashboard.not_allowed")
        session_token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        locale = core.lang(person.language)
        s.add(
            WebSession(
                session_hash=_sha256(session_token),
                person_id=person_id,
                csrf_token=csrf,
                locale=locale,
                expires_at=now + SESSION_TTL,
            )
        )
        await audit.record(s, person_id, "dashboard.login", "person", person_id)
    return NewSession(session_token, person_id, csrf, locale, now + SESSION_TTL)


async def session_by_token(core: Core, session_token: str) -> tuple[WebSession, Person] | None:
    """The live session behind a cookie and its person; None when unknown or expired."""
    if not session_token or len(session_token) > 200:
        return None
    async with core.db.session() as s:
        ws = (
            (await s.execute(select(WebSession).where(col(WebSession.session_hash) == _sha256(session_token))))
            .scalars()
            .first()
        )
        if ws is None or as_utc(ws.expires_at) <= core.clock.now():
            return None
        person = await s.get(Person, ws.person_id)
        if person is None or not await may_use_dashboard(s, person):
            return None  # their role was taken away since they logged in
        return ws, person


async def set_session_locale(core: Core, session_id: int, locale: str) -> None:
    async with core.db.session() as s:
        await s.execute(update(WebSession).where(col(WebSession.id) == session_id).values(locale=locale))


async def end_session(core: Core, session_id: int) -> None:
    """Log out: the cookie's session no longer opens anything."""
    async with core.db.session() as s:
        ws = await s.get(WebSession, session_id)
        if ws is not None:
            await audit.record(s, ws.person_id, "dashboard.logout", "person", ws.person_id)
            await s.delete(ws)
