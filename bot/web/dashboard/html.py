"""Small server-side HTML helpers. Everything is built with markupsafe.Markup, whose format()
escapes every argument, so user-typed text (names, summaries, addresses) can never become markup."""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from markupsafe import Markup

from bot.i18n import LANGUAGES, t, tnp, tp
from bot.services.kernel.core import Core
from bot.services.office import Scope
from bot.views.labels import value_label
from bot.views.office import label_or
from storage.models import WebSession

NAV = (
    ("overview", "/dashboard/", "dash.nav.overview"),
    ("requests", "/dashboard/requests", "dash.nav.requests"),
    ("volunteers", "/dashboard/volunteers", "dash.nav.volunteers"),
    ("households", "/dashboard/households", "dash.nav.households"),
    ("meetings", "/dashboard/meetings", "dash.meetings.nav"),
    ("care", "/dashboard/care", "dash.care.nav"),
    ("referrals", "/dashboard/referrals", "dash.referrals.nav"),
    ("events", "/dashboard/events", "dash.nav.events"),
    ("emergency", "/dashboard/emergency", "dash.nav.emergency"),
    ("units", "/dashboard/units", "dash.nav.units"),
    ("notices", "/dashboard/notices", "dash.nav.notices"),
    ("honour", "/dashboard/honour", "dash.nav.honour"),
    ("exports", "/dashboard/exports", "dash.nav.exports"),
)
LANG_NAMES = {"zh-CN": "中文", "en": "English"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


@dataclass
class View:
    """One request of a signed-in viewer: who they are, what they may see, their language."""

    request: web.Request
    core: Core
    scope: Scope
    session: WebSession
    lang: str

    def t(self, key: str, **params: Any) -> str:
        """Plain text from the catalogs (escaped later, when it goes into Markup)."""
        return tp(self.lang, key, **params)

    def tn(self, key: str, n: float, **params: Any) -> str:
        """Plain text counting n, in the form for n ("1 request", "2 requests")."""
        return tnp(self.lang, key, n, **params)

    def value(self, family: str, value: str) -> str:
        """A value's one label (bot.views.labels: the same words as the bot's screens)."""
        return value_label(self.lang, family, value)

    def label(self, key: str, value: str) -> str:
        """A label from a catalog key, or the value itself if it is newer (points reasons, status groups)."""
        return label_or(self.lang, key, value)

    @property
    def csrf(self) -> Markup:
        return Markup('<input type="hidden" name="csrf" value="{}">').format(self.session.csrf_token)


def plain_error(lang: str, key: str, params: dict[str, Any]) -> str:
    """A domain error's text without Telegram's tags (other features' catalogs use <b>)."""
    return _html.unescape(re.sub(r"<[^>]+>", "", t(lang, key, **params)))


def when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "—"


def url(path: str, **query: Any) -> str:
    q = {k: v for k, v in query.items() if v not in (None, "", False)}
    return f"{path}?{urlencode(q)}" if q else path


def table(headers: Iterable[str], rows: Iterable[Iterable[Any]], *, empty: str = "", cls: str = "") -> Markup:
    """A table; on a phone each row becomes a card whose cells carry their column's name."""
    rows, headers = list(rows), list(headers)
    if not rows and empty:
        return Markup('<p class="empty">{}</p>').format(empty)
    head = Markup("").join(Markup("<th>{}</th>").format(h) for h in headers)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(
                Markup('<td data-label="{}">{}</td>').format(h, c) for h, c in zip(headers, r, strict=False)
            )
        )
        for r in rows
    )
    return Markup(
        '<div class="scroll"><table class="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>'
    ).format(cls, head, body)


def figure(label: str, value: Any, note: str = "") -> Markup:
    return Markup('<div class="fig"><span class="value">{}</span><span class="label">{}</span>{}</div>').format(
        value, label, Markup('<span class="note">{}</span>').format(note) if note else ""
    )


def options(choices: Iterable[tuple[Any, str]], selected: Any) -> Markup:
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            v, Markup(" selected") if str(v) == str(selected or "") else "", label
        )
        for v, label in choices
    )


def grid_picker(v: View, path: str, selected: int | None, **keep: Any) -> Markup:
    """A GET form to narrow a page to one grid (only when the viewer sees several)."""
    if len(v.scope.grids) < 2:
        return Markup("")
    hidden = Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(k, val)
        for k, val in keep.items()
        if val not in (None, "")
    )
    choices = [("", v.t("dash.filter.all_grids"))] + [(g.id, g.name) for g in v.scope.grids]
    return Markup(
        '<form method="get" action="{}" class="inline">{}<label>{} <select name="grid">{}</select></label> '
        '<button type="submit">{}</button></form>'
    ).format(path, hidden, v.t("dash.filter.grid"), options(choices, selected), v.t("dash.filter.apply"))


def banner(text: str, kind: str = "ok") -> Markup:
    return Markup('<p class="banner {}" role="status">{}</p>').format(kind, text)


def layout(v: View, title: str, body: Markup, *, active: str, status: int = 200) -> web.Response:
    nav = Markup("").join(
        Markup('<a href="{}"{}>{}</a>').format(href, Markup(' class="on"') if key == active else "", v.t(label))
        for key, href, label in NAV
    )
    langs = Markup("").join(
        Markup('<button name="lang" value="{}"{}>{}</button>').format(
            code, Markup(" disabled") if code == v.lang else "", LANG_NAMES[code]
        )
        for code in LANGUAGES
    )
    header = Markup(
        '<header><div class="top"><strong>{app}</strong><span class="who">{who}</span>'
        '<form method="post" action="/dashboard/lang" class="inline">{csrf}'
        '<input type="hidden" name="next" value="{next}">{langs}</form>'
        '<form method="post" action="/dashboard/logout" class="inline">{csrf}<button>{logout}</button></form></div>'
        "<nav>{nav}</nav></header>"
    ).format(
        app=v.t("dash.app_name"),
        who=v.scope.name,
        csrf=v.csrf,
        next=v.request.path_qs,
        langs=langs,
        logout=v.t("dash.logout"),
        nav=nav,
    )
    return document(v.lang, title, header + Markup("<main><h1>{}</h1>{}</main>").format(title, body), status=status)


def document(lang: str, title: str, body: Markup, *, status: int = 200) -> web.Response:
    html = Markup(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>{} · {}</title><link rel="stylesheet" href="/dashboard/static/style.css"></head>'
        "<body>{}</body></html>"
    ).format(lang, title, tp(lang, "dash.app_name"), body)
    return web.Response(
        text=str(html), content_type="text/html", charset="utf-8", status=status, headers=SECURITY_HEADERS
    )


def message_page(lang: str, title: str, text: str, *, status: int = 200, extra: Markup = Markup("")) -> web.Response:
    """A page for people without a session (login links, refusals)."""
    body = Markup('<main class="narrow"><h1>{}</h1><p>{}</p>{}</main>').format(title, text, extra)
    return document(lang, title, body, status=status)
