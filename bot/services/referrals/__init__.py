"""吹哨 (街道吹哨、部门派单), the third tier: a community's departments and street-office contacts,
requests and meeting items forwarded to them with a deadline and the details the admin chose to
share, their answers, and the deadlines' escalation (called by the escalation check,
bot/jobs/escalation.py)."""

from __future__ import annotations

from storage.referral_reads import ReferralState

from .department_edits import (
    Removed,
    change_contact,
    check_department,
    remove_department,
    rename_department,
    restore_department,
    show_department,
)
from .departments import OFFLINE_WORDS, DepartmentRow, add_department, clean_department_name, departments
from .forwarding import MAX_DAYS, Forwarded, WhistleChoice, forward, whistle_choice
from .item_forwarding import forward_item, item_choice
from .listing import ReferralRow, referral_rows
from .notices import DepartmentCard, ReferralAnswered, ReferralHandedBack, ReferralSent, ReferralUpdate
from .replies import Decided, check_can_answer, clean_answer, decide, escalate_overdue_referrals

__all__ = [
    "MAX_DAYS",
    "OFFLINE_WORDS",
    "Decided",
    "DepartmentCard",
    "DepartmentRow",
    "Forwarded",
    "ReferralAnswered",
    "ReferralHandedBack",
    "ReferralRow",
    "ReferralSent",
    "ReferralState",
    "ReferralUpdate",
    "Removed",
    "WhistleChoice",
    "add_department",
    "change_contact",
    "check_department",
    "check_can_answer",
    "clean_answer",
    "clean_department_name",
    "decide",
    "departments",
    "escalate_overdue_referrals",
    "forward",
    "forward_item",
    "item_choice",
    "referral_rows",
    "remove_department",
    "rename_department",
    "restore_department",
    "show_department",
    "whistle_choice",
]
