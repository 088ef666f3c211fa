"""Views of the weekly digest: its text, its chart, the /digest picker and week arrows.

Callback data: `digest:show:<g|c>:<id>:<week or empty>` (DIGEST_SHOW)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n import pick_locale, tp
from bot.services.digests import Digest, DigestChart, DigestChoice, DigestText, Prepare
from bot.services.kernel.notices import Notice
from bot.services.kernel.periods import next_week, previous_week

from ..callbacks import ID, Callback, One, StaleButton
from ..message import Button, Keyboard, OutMessage
from ..render import renders
from .chart import chart_png, render_chart
from .text import render_text, title_line

__all__ = [
    "DIGEST_SHOW",
    "chart_png",
    "chart_preparer",
    "nav_keyboard",
    "parse_show",
    "picker",
    "render_chart",
    "render_text",
    "title_line",
]

SCOPES = {"g": "grid", "c": "community"}
_WEEK = re.compile(r"^\d{4}-W\d{2}$")


@dataclass(frozen=True)
class WeekOrNone:
    """An ISO week (2026-W47), or empty for "this week"."""

    def dump(self, value: Any) -> str:
        if not isinstance(value, str) or not (value == "" or _WEEK.match(value)):
            raise ValueError(f"{value!r} is not an ISO week")
        return value

    def load(self, text: str) -> str:
        if text and not _WEEK.match(text):
            raise StaleButton()
        return text


DIGEST_SHOW = Callback("digest", "show", One("g", "c"), ID, WeekOrNone())


def show_data(scope: str, target_id: int, week: str = "") -> str:
    return DIGEST_SHOW.data(scope[0], target_id, week)


def parse_show(data: str | None) -> tuple[str, int, str]:
    """(scope, target id, week or "") of a press; StaleButton for anything else."""
    scope, target_id, week = DIGEST_SHOW.parse(data)
    return SCOPES[scope], int(target_id), str(week)


def picker(lang: str, choices: Sequence[DigestChoice], week: str = "") -> Keyboard:
    """One button a grid or community this person may preview."""
    return [
        [
            Button(
                tp(lang, "digest.button.community" if c.scope == "community" else "digest.button.grid", name=c.name),
                data=show_data(c.scope, c.target_id, week),
            )
        ]
        for c in choices
    ]


def nav_keyboard(lang: str, d: Digest, this_week: str) -> Keyboard:
    """◀ the week before; the week after ▶ unless this is the current week."""
    before, after = previous_week(d.week), next_week(d.week)
    nav = [Button(tp(lang, "digest.button.prev", week=before), data=show_data(d.scope, d.target_id, before))]
    if d.week < this_week:
        nav.append(Button(tp(lang, "digest.button.next", week=after), data=show_data(d.scope, d.target_id, after)))
    return [nav]


@renders(DigestChart)
def digest_chart(n: DigestChart, lang: str) -> OutMessage:
    png = chart_png(n.digest, lang)
    assert png is not None, "a quiet week has no chart notice"
    return OutMessage(chat_id=n.chat_id, text=title_line(lang, n.digest), photo=png)


@renders(DigestText)
def digest_text(n: DigestText, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=render_text(lang, n.digest))


def chart_preparer(default_locale: str) -> Prepare:
    """For send_weekly_digests: draw a batch's charts in a worker thread (matplotlib is CPU-bound),
    each once per language, so that rendering the notices at queue time only reads the cache."""

    async def prepare(notices: Sequence[Notice]) -> None:
        wanted = {
            (id(n.digest), pick_locale(n.language, default_locale)): n.digest
            for n in notices
            if isinstance(n, DigestChart)
        }
        if wanted:
            await asyncio.to_thread(lambda: [chart_png(d, lang) for (_, lang), d in wanted.items()])

    return prepare
