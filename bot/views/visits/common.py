"""Door visits: every button's callback data (declared once, here) and the labels of outcomes, flags, needs."""

from __future__ import annotations

from bot.i18n import join_list, tp
from storage.enums import CareFlag, Category, RedFlag, VisitOutcome

from ..callbacks import ID, PAGE, Callback, One

# callback data, byte-identical to what the buttons in chats carry
INFO = Callback("visit", "info", ID)  # a household's details
LOG = Callback("visit", "log", ID)  # start logging a visit (also on the Friday list)
LEDGER = Callback("visit", "ledger", ID)  # a household's ledger
LEDGER_PAGE = Callback("visit", "lpage", PAGE)
OUTCOME = Callback("visit", "out", ID, One(*(o.value for o in VisitOutcome)))
SKIP_NOTE = Callback("visit", "skip", ID)
FLAG = Callback("visit", "flag", ID, One(*(f.value for f in RedFlag)))
FLAGS_DONE = Callback("visit", "flagsok", ID)
NO_REQUEST = "no"
REQUEST = Callback("visit", "req", ID, One(*(c.value for c in Category), NO_REQUEST))
CANCEL = Callback("visit", "cancel")

OUTCOME_KEYS = {
    VisitOutcome.met: "visit.outcome.met",
    VisitOutcome.not_home: "visit.outcome.not_home",
    VisitOutcome.needs_help: "visit.outcome.needs_help",
}
FLAG_KEYS = {
    RedFlag.fall: "visit.flag.fall",
    RedFlag.no_food: "visit.flag.no_food",
    RedFlag.no_heating: "visit.flag.no_heating",
    RedFlag.safety: "visit.flag.safety",
}
CARE_KEYS = {
    CareFlag.elderly_alone: "visit.care.elderly_alone",
    CareFlag.left_behind_children: "visit.care.left_behind_children",
    CareFlag.disability: "visit.care.disability",
    CareFlag.other: "visit.care.other",
}
CATEGORY_KEYS = {
    Category.micro_wish: "visit.category.micro_wish",
    Category.elder_care: "visit.category.elder_care",
    Category.repairs: "visit.category.repairs",
    Category.errands: "visit.category.errands",
    Category.health: "visit.category.health",
    Category.paperwork: "visit.category.paperwork",
    Category.moving: "visit.category.moving",
    Category.other: "visit.category.other",
}


def short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def outcome_label(lang: str, outcome: str) -> str:
    return tp(lang, OUTCOME_KEYS[VisitOutcome(outcome)])


def flag_labels(lang: str, flags: str | tuple[str, ...]) -> str:
    """Red flags (stored comma-separated) as one phrase; unknown ones are left out."""
    values = flags.split(",") if isinstance(flags, str) else flags
    return join_list(lang, [tp(lang, FLAG_KEYS[RedFlag(f)]) for f in values if f in RedFlag.__members__])


def care_labels(lang: str, flags: str) -> str:
    labels = [tp(lang, CARE_KEYS[CareFlag(f)]) if f in CareFlag.__members__ else f for f in flags.split(",") if f]
    return join_list(lang, labels) or "—"
