"""Logging a door visit from buttons: the outcome, the note, red flags, "turn into a request", the result."""

from __future__ import annotations

from bot.i18n import Raw, t, tp
from bot.services.visits import VisitLogged
from storage.enums import Category, RedFlag, VisitOutcome

from ..labels import value_label, with_icon
from ..message import Button, Keyboard
from ..points import award_line
from .common import CANCEL, FLAG, FLAGS_DONE, NO_REQUEST, OUTCOME, REQUEST, SKIP_NOTE, outcome_label


def stale(lang: str) -> str:
    return t(lang, "visit.stale")


def stale_alert(lang: str) -> str:
    return tp(lang, "visit.stale")


def _cancel_row(lang: str) -> list[Button]:
    return [Button(tp(lang, "visit.button.cancel"), data=CANCEL.data())]


def ask_outcome(lang: str, hh: int, week: str) -> tuple[str, Keyboard]:
    rows = [[Button(outcome_label(lang, o.value), data=OUTCOME.data(hh, o.value))] for o in VisitOutcome]
    return t(lang, "visit.ask.outcome", id=hh, week=week), rows + [_cancel_row(lang)]


def ask_note(lang: str, hh: int, outcome: str, most: int) -> tuple[str, Keyboard]:
    return (
        t(lang, "visit.ask.note", outcome=outcome_label(lang, outcome), max=most),
        [[Button(tp(lang, "visit.button.skip"), data=SKIP_NOTE.data(hh))], _cancel_row(lang)],
    )


def ask_flags(lang: str, hh: int, chosen: list[str]) -> tuple[str, Keyboard]:
    rows = [
        [
            Button(
                ("☑️ " if f.value in chosen else "⬜ ") + value_label(lang, "flag", f.value), data=FLAG.data(hh, f.value)
            )
        ]
        for f in RedFlag
    ]
    return t(lang, "visit.ask.flags"), rows + [[Button(tp(lang, "visit.button.flags_done"), data=FLAGS_DONE.data(hh))]]


def ask_request(lang: str, hh: int) -> tuple[str, Keyboard]:
    rows = [[Button(with_icon(lang, "category", c.value), data=REQUEST.data(hh, c.value))] for c in Category]
    rows.append([Button(tp(lang, "visit.button.no_request"), data=REQUEST.data(hh, NO_REQUEST))])
    return t(lang, "visit.ask.request"), rows


def ask_request_text(lang: str, most: int) -> str:
    return t(lang, "visit.ask.request_text", max=most)


def logged(lang: str, done: VisitLogged) -> str:
    parts = [
        t(
            lang,
            "visit.logged",
            id=done.visit.household_id,
            week=done.visit.week,
            outcome=outcome_label(lang, done.visit.outcome),
        )
    ]
    if done.award is not None:
        parts.append(award_line(lang, done.award))
    if done.visit.red_flags:
        parts.append(t(lang, "visit.logged.alerted", n=done.alerted))
    if done.request_code:
        parts.append(t(lang, "visit.logged.request", code=done.request_code))
    if done.request_error:
        parts.append(
            t(lang, "visit.logged.request_failed", reason=Raw(t(lang, done.request_error, **done.request_error_params)))
        )
    return "\n".join(parts)
