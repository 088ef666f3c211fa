"""Who is who: roles, volunteers and their sign-up, residents, privacy and retention.

Other features, handlers and views import from here. Roles (who may do what, bot/services/kernel/roles.py)
are in the kernel, as every feature checks them; they are re-exported here for the people features.
"""
from __future__ import annotations

from bot.services.kernel.roles import (
                      ADMIN,
                      ANY_GRID,
                      LEADER,
                      LEADS_A_GRID,
                      Actor,
                      AnySelect,
                      RoleSummary,
                      admins_of,
                      approved_volunteer,
                      by_tg,
                      can_lead,
                      ensure_person,
                      grant_superadmin,
                      grants,
                      is_admin_of,
                      is_any_admin,
                      is_leader_of,
                      leaders_of,
                      led_grids,
                      load_me,
                      load_rows,
                      person_by_tg,
                      role_summary,
)

from .notices import (
                      ApplicationDecided,
                      ApplicationWithdrawn,
                      Decision,
                      StandingChanged,
                      VolunteerApplied,
                      VolunteerApproved,
                      VolunteerCard,
                      VolunteerDeclined,
                      VolunteerLeft,
)
from .privacy import CONFIRM_MINUTES, Forgotten, StillNeeded, check_can_forget, confirmation_stamp, forget_me
from .residents import NoGrid, choose_grid, grid_choices, grid_of, require_grid, where_i_live
from .retention import RetentionResult, erase_expired_requests, run_retention
from .signup import (
                      EDITABLE,
                      SKILLS,
                      WORK_GROUPS,
                      Signup,
                      can_sign_up,
                      check_draft,
                      clean_availability,
                      clean_skills,
                      clean_work_group,
                      leave_programme,
                      my_profile,
                      submit_signup,
                      update_profile,
)
from .volunteers import (
                      VolunteerView,
                      approve_volunteer,
                      card_ref,
                      decline_volunteer,
                      end_pairings,
                      grid_volunteers,
                      pending_volunteers,
                      reinstate_volunteer,
                      suspend_volunteer,
)

__all__ = [
    # roles: who is acting, and what they may do where
    "ADMIN", "ANY_GRID", "LEADER", "LEADS_A_GRID", "Actor", "AnySelect", "RoleSummary", "admins_of",
    "approved_volunteer", "by_tg", "can_lead", "ensure_person", "grant_superadmin", "grants", "is_admin_of",
    "is_any_admin", "is_leader_of", "led_grids", "leaders_of", "load_me", "load_rows", "person_by_tg", "role_summary",
    # volunteers: sign-up, profile, leaders' decisions
    "EDITABLE", "SKILLS", "WORK_GROUPS", "Signup", "VolunteerView", "approve_volunteer", "can_sign_up", "card_ref",
    "check_draft", "clean_availability", "clean_skills", "clean_work_group", "decline_volunteer", "end_pairings",
    "grid_volunteers", "leave_programme", "my_profile", "pending_volunteers", "reinstate_volunteer", "submit_signup",
    "suspend_volunteer", "update_profile",
    # their notices
    "ApplicationDecided", "ApplicationWithdrawn", "Decision", "StandingChanged", "VolunteerApplied",
    "VolunteerApproved", "VolunteerCard", "VolunteerDeclined", "VolunteerLeft",
    # residents, privacy, retention
    "NoGrid", "choose_grid", "grid_choices", "grid_of", "require_grid", "where_i_live",
    "CONFIRM_MINUTES", "Forgotten", "StillNeeded", "check_can_forget", "confirmation_stamp", "forget_me",
    "RetentionResult", "erase_expired_requests", "run_retention",
]
