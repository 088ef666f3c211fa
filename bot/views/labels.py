"""One name per thing: each value a person reads (a skill, a request's category, a status, a care need,
a red flag, a visit's outcome, an answer to a call-up) has exactly one catalog key a language, and every screen reads it here:
sign-up buttons, cards, lists, the web dashboard, exports and digests. An icon is decoration a
button may add (`with_icon`); the words are the same everywhere.

The keys are spelt as f-strings so the catalog test sees their prefixes; tests/test_labels.py checks that
no other catalog key labels the same value."""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import catalogs, tp
from storage.enums import (
    AssignmentStatus,
    CareFlag,
    Category,
    DutyAnswer,
    IssueStatus,
    RedFlag,
    RequestStatus,
    Skill,
    VisitOutcome,
    VolunteerStatus,
    WorkGroup,
)

__all__ = ["FAMILIES", "ICONS", "family_keys", "value_label", "with_icon"]

# each family: its enum, and the catalog key of each value
FAMILIES: dict[str, tuple[type[StrEnum], dict[str, str]]] = {
    "skill": (Skill, {v.value: f"volunteers.skill.{v.value}" for v in Skill}),
    "category": (Category, {v.value: f"request.category.{v.value}" for v in Category}),
    "status": (RequestStatus, {v.value: f"request.status.{v.value}" for v in RequestStatus}),
    "assignment": (AssignmentStatus, {v.value: f"task.astatus.{v.value}" for v in AssignmentStatus}),
    "volunteer_status": (VolunteerStatus, {v.value: f"volunteers.status.{v.value}" for v in VolunteerStatus}),
    "work_group": (WorkGroup, {v.value: f"volunteers.wg.{v.value}" for v in WorkGroup}),
    "care": (CareFlag, {v.value: f"households.flag.{v.value}" for v in CareFlag}),
    "flag": (RedFlag, {v.value: f"visit.flag.{v.value}" for v in RedFlag}),
    "outcome": (VisitOutcome, {v.value: f"visit.outcome.{v.value}" for v in VisitOutcome}),
    "duty": (DutyAnswer, {v.value: f"emergency.answer.{v.value}" for v in DutyAnswer}),
    "issue": (IssueStatus, {v.value: f"meeting.status.{v.value}" for v in IssueStatus}),
}

# what a button may show before the words
ICONS: dict[str, dict[str, str]] = {
    "category": {
        Category.micro_wish.value: "🎁",
        Category.elder_care.value: "👵",
        Category.repairs.value: "🔧",
        Category.errands.value: "🛒",
        Category.health.value: "🩺",
        Category.paperwork.value: "📄",
        Category.moving.value: "📦",
        Category.other.value: "💡",
    },
    "outcome": {VisitOutcome.met.value: "✅", VisitOutcome.not_home.value: "🚪", VisitOutcome.needs_help.value: "🆘"},
}


def family_keys(family: str) -> dict[str, str]:
    """value → catalog key, in the enum's order."""
    return FAMILIES[family][1]


def value_label(lang: str, family: str, value: str) -> str:
    """The one label of a value; a value newer than the catalogs shows as itself."""
    key = FAMILIES[family][1].get(value)
    known = catalogs().messages.get(lang) or catalogs().messages["en"]
    return tp(lang, key) if key and key in known else value


def with_icon(lang: str, family: str, value: str) -> str:
    """The label with the family's icon in front (for buttons and card heads): "🛒 代买代办"."""
    icon = ICONS.get(family, {}).get(value)
    return f"{icon} {value_label(lang, family, value)}" if icon else value_label(lang, family, value)
