"""How people's facts read: skills, work groups, volunteer statuses, yes and no."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import join_list, tp

from ..labels import family_keys, value_label

WORK_GROUP_KEYS = family_keys("work_group")
SKILL_KEYS = family_keys("skill")
STATUS_KEYS = family_keys("volunteer_status")


def skills_text(lang: str, skills: str | Iterable[str]) -> str:
    """Skills (stored comma-separated, or a list) in the catalogue's words, unknown ones left out."""
    values = skills.split(",") if isinstance(skills, str) else skills
    return join_list(lang, [value_label(lang, "skill", v) for v in values if v in SKILL_KEYS])


def work_group_text(lang: str, value: str | None) -> str:
    return tp(lang, WORK_GROUP_KEYS.get(value or "", "volunteers.wg.resident"))


def status_text(lang: str, value: str) -> str:
    return tp(lang, STATUS_KEYS.get(value, "volunteers.status.pending"))


def yes_no(lang: str, value: bool) -> str:
    return tp(lang, "volunteers.yes") if value else tp(lang, "volunteers.no")


def ticked(chosen: bool, text: str) -> str:
    """A label of a multiple-choice list: ✅ when chosen."""
    return ("✅ " if chosen else "▫️ ") + text
