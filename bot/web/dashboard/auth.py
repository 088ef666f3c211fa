"""Signing in with the bot's one-time link, the session cookie, CSRF checks, language, logout.

The link's GET only shows a button (link previews and scanners fetch URLs; they must not use
up the link); the POST from that button redeems it and sets the session cookie."""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.i18n import LANGUAGES, pick_locale, tp
from bot.services.kernel.core import Core
from bot.services.kernel.errors import DomainError, NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.office import load_scope, login

from .html import View, layout, message_page, plain_error

log = logging.getLogger(__name__)
COOKIE = "redvest_dashboard"
LOGIN_COOKIE = "redvest_login"  # the sign-in form's CSRF token: this browser opened the link
CORE = web.AppKey("redvest_dashboard_core", Core)
Handler = Callable[[web.Request, View], Awaitable[web.StreamResponse]]


def core_of(request: web.Request) -> Core:
    return request.app[CORE]


def guess_lang(request: web.Request) -> str:
    """Before sign-in: the browser's first language, else the bot's default."""
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
    return pick_locale(first or None, core_of(request).cfg.bot.default_locale)


async def login_page(request: web.Request) -> web.Response:
    lang, token = guess_lang(request), request.query.get("t", "")
    state = await login.check_login_link(core_of(request), token)
    if state is not login.LinkState.valid:
        return _refused(lang, f"dashboard.refused.{state.value}")
    csrf = secrets.token_urlsafe(24)
    form = Markup(
        '<form method="post" action="/dashboard/login"><input type="hidden" name="t" value="{}">'
        '<input type="hidden" name="csrf" value="{}">'
        '<button type="submit" class="primary">{}</button></form>'
    ).format(token, csrf, tp(lang, "dashboard.login.button"))
    resp = message_page(lang, tp(lang, "dashboard.login.title"), tp(lang, "dashboard.login.text"), extra=form)
    # double submit: a page elsewhere can post a link of its own, but cannot read or set this cookie,
    # so nobody can sign a browser in to someone else's session (login CSRF)
    resp.set_cookie(
        LOGIN_COOKIE,
        csrf,
        max_age=int(login.LINK_TTL.total_seconds()),
        path="/dashboard/login",
        httponly=True,
        samesite="Strict",
        secure=core_of(request).cfg.web.public_url.startswith("https://"),
    )
    return resp


def _refused(lang: str, key: str) -> web.Response:
    return message_page(lang, tp(lang, "dashboard.login.refused_title"), plain_error(lang, key, {}), status=403)


async def login_submit(request: web.Request) -> web.StreamResponse:
    core, lang = core_of(request), guess_lang(request)
    form = await request.post()
    token = str(form.get("t", ""))[:300]
    sent, kept = str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "")
    if not (sent and kept and hmac.compare_digest(sent.encode(), kept.encode())):
        log.warning("dashboard: sign-in without the form's CSRF token refused")
        return _refused(lang, "dashboard.refused.form")  # the link is not used up: opening it again works
    try:
        new = await login.redeem_login_link(core, token)
    except NotAllowed as e:
        return _refused(lang, e.key)
    resp = web.HTTPSeeOther("/dashboard/")
    resp.del_cookie(LOGIN_COOKIE, path="/dashboard/login")
    resp.set_cookie(
        COOKIE,
        new.token,
        max_age=int(login.SESSION_TTL.total_seconds()),
        path="/dashboard",
        httponly=True,
        samesite="Lax",
        secure=core.cfg.web.public_url.startswith("https://"),
    )
    raise resp


def signed_out(request: web.Request) -> web.Response:
    lang = guess_lang(request)
    resp = message_page(lang, tp(lang, "dashboard.signed_out.title"), tp(lang, "dashboard.signed_out.text"), status=401)
    resp.del_cookie(COOKIE, path="/dashboard")
    return resp


async def current_view(request: web.Request) -> View | None:
    core = core_of(request)
    found = await login.session_by_token(core, request.cookies.get(COOKIE, ""))
    if found is None:
        return None
    ws, person = found
    try:
        scope = await load_scope(core, stored_id(person.id))
    except NotAllowed:
        return None
    lang = ws.locale if ws.locale in LANGUAGES else core.lang(person.language)
    return View(request, core, scope, ws, lang)


def csrf_ok(view: View, form: Mapping[str, Any]) -> bool:
    sent = str(form.get("csrf", ""))
    return bool(sent) and hmac.compare_digest(sent.encode(), view.session.csrf_token.encode())


def viewer_page(fn: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A page for signed-in viewers: no session → the signed-out page; a POST without the
    session's CSRF token → 403 and nothing changes; a DomainError → its text, in the page."""

    @functools.wraps(fn)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        view = await current_view(request)
        if view is None:
            return signed_out(request)
        if request.method == "POST" and not csrf_ok(view, await request.post()):
            log.warning("dashboard: POST %s without a valid CSRF token refused", request.path)
            return layout(
                view,
                view.t("dash.error.title"),
                Markup("<p>{}</p>").format(view.t("dash.error.csrf")),
                active="",
                status=403,
            )
        try:
            return await fn(request, view)
        except DomainError as e:
            status = 404 if e.key.endswith("not_found") else 403 if isinstance(e, NotAllowed) else 400
            return layout(
                view,
                view.t("dash.error.title"),
                Markup('<p class="banner bad">{}</p>').format(plain_error(view.lang, e.key, e.params)),
                active="",
                status=status,
            )

    return wrapper


def safe_next(raw: str) -> str:
    """Only back to a dashboard page (never an open redirect)."""
    return raw if raw.startswith("/dashboard") and not raw.startswith("//") and "\\" not in raw else "/dashboard/"


@viewer_page
async def set_language(request: web.Request, view: View) -> web.StreamResponse:
    form = await request.post()
    lang = str(form.get("lang", ""))
    if lang in LANGUAGES:
        await login.set_session_locale(view.core, stored_id(view.session.id), lang)
    raise web.HTTPSeeOther(safe_next(str(form.get("next", ""))))


@viewer_page
async def logout(request: web.Request, view: View) -> web.StreamResponse:
    await login.end_session(view.core, stored_id(view.session.id))
    resp = message_page(view.lang, view.t("dashboard.signed_out.title"), view.t("dash.logged_out"))
    resp.del_cookie(COOKIE, path="/dashboard")
    return resp
