"""Friday door visits (周五入户): callback data, the visit log's steps, /visits and the ledger, the
Friday list, the leader's overview and the red-flag alert (each module registers its notices)."""

from . import households, log, notices
from .common import (
    CANCEL,
    CARE_KEYS,
    CATEGORY_KEYS,
    FLAG,
    FLAG_KEYS,
    FLAGS_DONE,
    INFO,
    LEDGER,
    LEDGER_PAGE,
    LOG,
    NO_REQUEST,
    OUTCOME,
    OUTCOME_KEYS,
    REQUEST,
    SKIP_NOTE,
    care_labels,
    flag_labels,
    outcome_label,
)

__all__ = [
    "CANCEL",
    "CARE_KEYS",
    "CATEGORY_KEYS",
    "FLAG",
    "FLAGS_DONE",
    "FLAG_KEYS",
    "INFO",
    "LEDGER",
    "LEDGER_PAGE",
    "LOG",
    "NO_REQUEST",
    "OUTCOME",
    "OUTCOME_KEYS",
    "REQUEST",
    "SKIP_NOTE",
    "care_labels",
    "flag_labels",
    "households",
    "log",
    "notices",
    "outcome_label",
]
