"""吹哨 (街道吹哨、部门派单), the third tier: a community's departments and street-office contacts,
requests forwarded to them with a deadline and the details the admin chose to share, their answers,
and the deadlines' escalation (called by the escalation check, bot/jobs/escalation.py)."""

from __future__ import annotations

from .departments import OFFLINE_WORDS, DepartmentRow, add_department, clean_department_name, departments
from .forwarding import MAX_DAYS, Forwarded, WhistleChoice, forward, whistle_choice
from .notices import DepartmentCard, ReferralAnswered, ReferralSent, ReferralUpdate
from .replies import Decided, check_can_answer, clean_answer, decide, escalate_overdue_referrals

__all__ = [
    "MAX_DAYS",
    "OFFLINE_WORDS",
    "Decided",
    "DepartmentCard",
    "DepartmentRow",
    "Forwarded",
    "ReferralAnswered",
    "ReferralSent",
    "ReferralUpdate",
    "WhistleChoice",
    "add_department",
    "check_can_answer",
    "clean_answer",
    "clean_department_name",
    "decide",
    "departments",
    "escalate_overdue_referrals",
    "forward",
    "whistle_choice",
]
