"""Views of people: volunteers (sign-up, profile, leaders' decisions), residents, privacy, /start."""

from __future__ import annotations

from . import callbacks, volunteers
from .labels import SKILL_KEYS, STATUS_KEYS, WORK_GROUP_KEYS, skills_text, status_text, ticked, work_group_text, yes_no
from .volunteers import card_text, decision_buttons

__all__ = [
    "SKILL_KEYS",
    "STATUS_KEYS",
    "WORK_GROUP_KEYS",
    "callbacks",
    "card_text",
    "decision_buttons",
    "skills_text",
    "status_text",
    "ticked",
    "volunteers",
    "work_group_text",
    "yes_no",
]
