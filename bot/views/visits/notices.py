"""Door visits' notices: the Friday list and evening reminder, the leader's overview, the red-flag alert."""

from __future__ import annotations

from bot.i18n import Raw, join_list, t, tn, tp
from bot.services.visits import PairedRow, RedFlagAlert, VisitList, VisitOverview

from ..labels import value_label
from ..message import Button, OutMessage
from ..render import renders
from .common import CARE_KEYS, LEDGER, LOG, flag_labels

MAX_LISTED = 20  # households listed (with a button each) in one message; the rest via /visits
MAX_OVERVIEW = 40  # volunteers listed in a leader's overview
MAX_BUILDINGS = 40  # buildings listed in it (the rest counted)


def _household_line(lang: str, n: int, row: PairedRow) -> str:
    flags = join_list(lang, [value_label(lang, "care", f) for f in row.care_flags.split(",") if f in CARE_KEYS])
    key = "reminders.visit.line_logged" if row.logged else "reminders.visit.line"
    return t(lang, key, n=n, address=row.address, members=row.members or "—", flags=flags or "—")


def _log_button(lang: str, n: int, row: PairedRow) -> list[Button]:
    short = row.address if len(row.address) <= 24 else row.address[:23] + "…"
    return [Button(tp(lang, "reminders.visit.log_button", n=n, address=short), data=LOG.data(row.household_id))]


@renders(VisitList)
def visit_list(n: VisitList, lang: str) -> OutMessage:
    """The morning list (every paired household) or the evening reminder (only unlogged ones)."""
    shown = n.rows[:MAX_LISTED]
    lines = [_household_line(lang, i, r) for i, r in enumerate(shown, start=1)]
    if len(n.rows) > len(shown):
        lines.append(t(lang, "reminders.visit.more", n=len(n.rows) - len(shown)))
    head = "reminders.visit.evening" if n.evening else "reminders.visit.morning"
    count = n.unlogged if n.evening else len(n.rows)
    text = tn(lang, head, count, week=n.week, lines=Raw("\n".join(lines)))
    buttons = [_log_button(lang, i, r) for i, r in enumerate(shown, start=1) if not r.logged]
    return OutMessage(chat_id=n.chat_id, text=text, buttons=buttons, silent=True)


@renders(VisitOverview)
def overview(n: VisitOverview, lang: str) -> OutMessage:
    stats = [(v.done, v.planned, v.name or f"#{v.person_id}", v.needs_help) for v in n.volunteers]
    stats.sort(key=lambda s: (s[0] == s[1], s[0] - s[1], s[2]))  # who still has visits to log first
    done, planned = sum(s[0] for s in stats), sum(s[1] for s in stats)
    lines = [
        t(
            lang,
            "reminders.overview.done_line" if d == p else "reminders.overview.open_line",
            name=name,
            done=d,
            planned=p,
        )
        for d, p, name, _ in stats[:MAX_OVERVIEW]
    ]
    if len(stats) > MAX_OVERVIEW:
        lines.append(tn(lang, "reminders.overview.more", len(stats) - MAX_OVERVIEW))
    needs = sum(s[3] for s in stats)
    complete = sum(s[0] == s[1] for s in stats)
    people = Raw(tn(lang, "reminders.overview.people", complete, volunteers=len(stats)))
    text = tn(
        lang,
        "reminders.overview.head",
        planned,
        grid=n.grid,
        week=n.week,
        done=done,
        people=people,
        lines=Raw("\n".join(lines)),
    )
    if needs:
        text += "\n\n" + tn(lang, "reminders.overview.needs_help", needs)
    if n.buildings:  # a grid with buildings (楼栋): the households visited, building by building
        rows = [
            tn(
                lang,
                "buildings.overview.line",
                b.households,
                name=b.name or tp(lang, "buildings.none"),
                visited=b.visited,
            )
            for b in n.buildings[:MAX_BUILDINGS]
        ]
        if len(n.buildings) > MAX_BUILDINGS:
            rows.append(t(lang, "buildings.digest.more", n=len(n.buildings) - MAX_BUILDINGS))
        text += "\n\n" + t(lang, "buildings.digest.section") + "\n" + "\n".join(rows)
    return OutMessage(chat_id=n.chat_id, text=text, silent=True)


@renders(RedFlagAlert)
def red_flags(n: RedFlagAlert, lang: str) -> OutMessage:
    text = t(
        lang,
        "visit.alert.red_flags",
        flags=flag_labels(lang, n.flags),
        volunteer=n.volunteer or "—",
        address=n.address,
        members=n.members or "—",
        note=n.note or "—",
    )
    return OutMessage(
        chat_id=n.chat_id,
        text=text,
        silent=False,
        buttons=[[Button(tp(lang, "visit.button.ledger"), data=LEDGER.data(n.household_id))]],
    )
