"""好人榜: the monthly honour list as the volunteers' groups and /honour read it, and the button to
leave it or come back."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.i18n import t, tp
from bot.services.honour import Honoured, HonourList, HonourPosted, MyHonour

from .callbacks import Callback, One
from .message import Button, Keyboard, OutMessage
from .render import renders

OPT = Callback("honour", "opt", One("out", "in"))  # /honour: leave the list, or come back

_BABEL = {"zh-CN": "zh_CN", "en": "en_GB"}
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def month_label(lang: str, month: str) -> str:
    """2026-11 as the reader says it: 2026年11月, November 2026."""
    year, mon = (int(x) for x in month.split("-"))
    return format_date(date(year, mon, 1), "y年M月" if lang == "zh-CN" else "MMMM y", locale=_BABEL.get(lang, "en_GB"))


def rating_text(lang: str, row: Honoured) -> str:
    if row.rating is None:
        return tp(lang, "honour.no_rating")
    return tp(lang, "honour.rating", stars=f"{row.rating:.1f}", n=row.ratings)


def list_text(lang: str, honour: HonourList) -> str:
    head = t(lang, "honour.head", community=honour.community, month=month_label(lang, honour.month))
    if not honour.rows:
        return head + "\n" + t(lang, "honour.empty")
    lines = [
        t(
            lang,
            "honour.row",
            place=MEDALS.get(r.rank, f"{r.rank}."),
            name=r.name or "—",
            points=r.points,
            rating=rating_text(lang, r),
        )
        for r in honour.rows
    ]
    return "\n".join([head, "", *lines, "", t(lang, "honour.foot")])


@renders(HonourPosted)
def honour_posted(n: HonourPosted, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=list_text(lang, n.honour))


def opt_button(lang: str, opted_out: bool) -> Button:
    if opted_out:
        return Button(tp(lang, "honour.button.in"), data=OPT.data("in"))
    return Button(tp(lang, "honour.button.out"), data=OPT.data("out"))


def my_honour(lang: str, mine: MyHonour) -> tuple[str, Keyboard]:
    """/honour: last month's list, and whether the reader appears on the lists."""
    choice = t(lang, "honour.you_out" if mine.opted_out else "honour.you_in")
    return list_text(lang, mine.latest) + "\n\n" + choice, [[opt_button(lang, mine.opted_out)]]


def opt_answer(lang: str, opted_out: bool, changed: bool) -> str:
    if not changed:
        return tp(lang, "honour.already")
    return tp(lang, "honour.now_out" if opted_out else "honour.now_in")
