"""Door visits: every button's callback data (declared once, here) and the labels of outcomes, flags, needs."""

from __future__ import annotations

from bot.i18n import join_list
from storage.enums import Category, RedFlag, VisitOutcome

from ..callbacks import ID, PAGE, Callback, One
from ..labels import family_keys, value_label, with_icon

# callback data, byte-identical to what the buttons in chats carry
INFO = Callback("visit", "info", ID)  # a household's details
LOG = Callback("visit", "log", ID)  # start logging a visit (also on the Friday list)
LEDGER = Callback("visit", "ledger", ID)  # a household's ledger
LEDGER_PAGE = Callback("visit", "lpage", PAGE)
MINE_PAGE = Callback("visit", "mpage", PAGE)  # a page of /visits
OUTCOME = Callback("visit", "out", ID, One(*(o.value for o in VisitOutcome)))
SKIP_NOTE = Callback("visit", "skip", ID)
FLAG = Callback("visit", "flag", ID, One(*(f.value for f in RedFlag)))
FLAGS_DONE = Callback("visit", "flagsok", ID)
NO_REQUEST = "no"
REQUEST = Callback("visit", "req", ID, One(*(c.value for c in Category), NO_REQUEST))
CANCEL = Callback("visit", "cancel")

OUTCOME_KEYS = family_keys("outcome")
FLAG_KEYS = family_keys("flag")
CARE_KEYS = family_keys("care")
CATEGORY_KEYS = family_keys("category")


def short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def outcome_label(lang: str, outcome: str) -> str:
    """The outcome's one label, with its icon: "✅ 见到了"."""
    return with_icon(lang, "outcome", outcome)


def flag_labels(lang: str, flags: str | tuple[str, ...]) -> str:
    """Red flags (stored comma-separated) as one phrase; unknown ones are left out."""
    values = flags.split(",") if isinstance(flags, str) else flags
    return join_list(lang, [value_label(lang, "flag", f) for f in values if f in FLAG_KEYS])


def care_labels(lang: str, flags: str) -> str:
    labels = [value_label(lang, "care", f) for f in flags.split(",") if f]
    return join_list(lang, labels) or "—"
