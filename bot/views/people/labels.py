"""How people's facts read: skills, work groups, volunteer statuses, yes and no."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import join_list, tp
from storage.enums import Skill, VolunteerStatus, WorkGroup

WORK_GROUP_KEYS = {
    WorkGroup.party_in_service.value: "volunteers.wg.party_in_service",
    WorkGroup.retired.value: "volunteers.wg.retired",
    WorkGroup.youth.value: "volunteers.wg.youth",
    WorkGroup.new_economy.value: "volunteers.wg.new_economy",
    WorkGroup.resident.value: "volunteers.wg.resident",
}
SKILL_KEYS = {
    Skill.elder_care.value: "volunteers.skill.elder_care",
    Skill.repairs.value: "volunteers.skill.repairs",
    Skill.paperwork.value: "volunteers.skill.paperwork",
    Skill.health.value: "volunteers.skill.health",
    Skill.haircut.value: "volunteers.skill.haircut",
    Skill.tutoring.value: "volunteers.skill.tutoring",
    Skill.legal.value: "volunteers.skill.legal",
    Skill.psychology.value: "volunteers.skill.psychology",
    Skill.transport.value: "volunteers.skill.transport",
    Skill.moving.value: "volunteers.skill.moving",
}
STATUS_KEYS = {
    VolunteerStatus.pending.value: "volunteers.status.pending",
    VolunteerStatus.approved.value: "volunteers.status.approved",
    VolunteerStatus.declined.value: "volunteers.status.declined",
    VolunteerStatus.suspended.value: "volunteers.status.suspended",
    VolunteerStatus.left.value: "volunteers.status.left",
}


def skills_text(lang: str, skills: str | Iterable[str]) -> str:
    """Skills (stored comma-separated, or a list) in the catalogue's words, unknown ones left out."""
    values = skills.split(",") if isinstance(skills, str) else skills
    return join_list(lang, [tp(lang, SKILL_KEYS[v]) for v in values if v in SKILL_KEYS])


def work_group_text(lang: str, value: str | None) -> str:
    return tp(lang, WORK_GROUP_KEYS.get(value or "", "volunteers.wg.resident"))


def status_text(lang: str, value: str) -> str:
    return tp(lang, STATUS_KEYS.get(value, "volunteers.status.pending"))


def yes_no(lang: str, value: bool) -> str:
    return tp(lang, "volunteers.yes") if value else tp(lang, "volunteers.no")


def ticked(chosen: bool, text: str) -> str:
    """A label of a multiple-choice list: ✅ when chosen."""
    return ("✅ " if chosen else "▫️ ") + text
