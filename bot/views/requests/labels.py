"""The words for the request loop's facts: categories, times, statuses, skills, a taker's status."""

from __future__ import annotations

from datetime import date

from bot.i18n import join_list, tp
from storage.enums import AssignmentStatus, Category, RequestStatus, Skill, WhenKind

CATEGORY_KEYS = {
    Category.micro_wish.value: "request.category.micro_wish",
    Category.elder_care.value: "request.category.elder_care",
    Category.repairs.value: "request.category.repairs",
    Category.errands.value: "request.category.errands",
    Category.health.value: "request.category.health",
    Category.paperwork.value: "request.category.paperwork",
    Category.moving.value: "request.category.moving",
    Category.other.value: "request.category.other",
}
WHEN_KEYS = {
    WhenKind.urgent.value: "request.when.urgent",
    WhenKind.today.value: "request.when.today",
    WhenKind.this_week.value: "request.when.this_week",
    WhenKind.date.value: "request.when.date",
}
STATUS_KEYS = {
    RequestStatus.open.value: "request.status.open",
    RequestStatus.filled.value: "request.status.filled",
    RequestStatus.done_reported.value: "request.status.done_reported",
    RequestStatus.completed.value: "request.status.completed",
    RequestStatus.cancelled.value: "request.status.cancelled",
    RequestStatus.closed.value: "request.status.closed",
    RequestStatus.out_of_scope.value: "request.status.out_of_scope",
    RequestStatus.duplicate.value: "request.status.duplicate",
}
SKILL_KEYS = {
    Skill.elder_care.value: "request.skill.elder_care",
    Skill.repairs.value: "request.skill.repairs",
    Skill.paperwork.value: "request.skill.paperwork",
    Skill.health.value: "request.skill.health",
    Skill.haircut.value: "request.skill.haircut",
    Skill.tutoring.value: "request.skill.tutoring",
    Skill.legal.value: "request.skill.legal",
    Skill.psychology.value: "request.skill.psychology",
    Skill.transport.value: "request.skill.transport",
    Skill.moving.value: "request.skill.moving",
}
ASSIGNMENT_KEYS = {
    AssignmentStatus.accepted.value: "task.astatus.accepted",
    AssignmentStatus.started.value: "task.astatus.started",
    AssignmentStatus.done.value: "task.astatus.done",
    AssignmentStatus.released.value: "task.astatus.released",
    AssignmentStatus.removed.value: "task.astatus.removed",
}
REFERRAL_KEYS = {
    "hotline": "board.referral.hotline",
    "property": "board.referral.property",
    "police": "board.referral.police",
    "street": "board.referral.street",
    "medical": "board.referral.medical",
    "other": "board.referral.other",
}
WEEKDAY_KEYS = [
    "request.weekday.mon",
    "request.weekday.tue",
    "request.weekday.wed",
    "request.weekday.thu",
    "request.weekday.fri",
    "request.weekday.sat",
    "request.weekday.sun",
]
MONTH_KEYS = [
    "request.month.1",
    "request.month.2",
    "request.month.3",
    "request.month.4",
    "request.month.5",
    "request.month.6",
    "request.month.7",
    "request.month.8",
    "request.month.9",
    "request.month.10",
    "request.month.11",
    "request.month.12",
]


def category_label(lang: str, category: str) -> str:
    return tp(lang, CATEGORY_KEYS.get(category, "request.category.other"))


def status_label(lang: str, status: str) -> str:
    return tp(lang, STATUS_KEYS.get(status, "request.status.open"))


def assignment_label(lang: str, status: str) -> str:
    return tp(lang, ASSIGNMENT_KEYS.get(status, "task.astatus.accepted"))


def date_label(lang: str, day: date, this_year: int) -> str:
    """A request's day as every card and message shows it: with its year when that is not this one."""
    return tp(
        lang,
        "request.when.date" if day.year == this_year else "request.when.date_year",
        year=day.year,
        month=tp(lang, MONTH_KEYS[day.month - 1]),
        day=day.day,
        weekday=tp(lang, WEEKDAY_KEYS[day.weekday()]),
    )


def when_label(lang: str, when_kind: str, when_date: str | None, this_year: int) -> str:
    """When a request is for; `this_year`: the year it is now where the request is."""
    if when_kind == WhenKind.date.value and when_date:
        try:
            return date_label(lang, date.fromisoformat(when_date), this_year)
        except ValueError:
            pass
    return tp(lang, WHEN_KEYS.get(when_kind, "request.when.this_week"))


def names_list(lang: str, names: list[str] | tuple[str, ...]) -> str:
    """Names in a row, as the language writes a list ("甲、乙和丙", "A, B and C")."""
    return join_list(lang, names)


def skills_label(lang: str, skills: list[str]) -> str:
    return names_list(lang, [tp(lang, SKILL_KEYS[s]) for s in skills if s in SKILL_KEYS])


def short(name: str, n: int = 20) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"
