"""Care plans for special households (独居老人, 留守儿童, ...): a leader records an agreed recurring
service (what, how often, who: by default the household's paired volunteer) and can pause, resume,
re-time or end it; each occurrence becomes a task for that volunteer on its day (the daily job), which
they mark done with a short note (in /tasks, /care or the day's message); one not done by the next
morning is flagged to the grid's leaders and shown in the digest. The office sees every plan
(care_rows: the dashboard's page and the export)."""

from .board import care_rows
from .changes import change_rule, end_plan, pause_plan, plan_card, resume_plan
from .facts import (
    EVERY_DAYS,
    MAX_HOUSEHOLDS,
    MAX_PLANS,
    NOTE_MAX,
    SENT_AT,
    WHAT_MAX,
    BadRule,
    CareDone,
    CareRow,
    DueTask,
    HouseholdChoice,
    LastDone,
    PlanCard,
    PlanEnded,
    PlanFact,
    PlanPaused,
    PlanRunning,
    PlanSetup,
    Rule,
    TaskSettled,
    VolunteerChoice,
)
from .mine import MyCare, care_work, my_care
from .notices import CareMissed, CarePlanMade, CareTaskDue
from .occurrences import check_note, flag_missed, make_tasks, mark_done, run_day, task_to_do
from .plans import check_rule, check_what, create_plan, grid_plans, plan_setup, special_households

__all__ = [
    "EVERY_DAYS",
    "MAX_HOUSEHOLDS",
    "MAX_PLANS",
    "NOTE_MAX",
    "SENT_AT",
    "WHAT_MAX",
    "BadRule",
    "CareDone",
    "CareMissed",
    "CarePlanMade",
    "CareRow",
    "CareTaskDue",
    "DueTask",
    "HouseholdChoice",
    "LastDone",
    "MyCare",
    "PlanCard",
    "PlanEnded",
    "PlanFact",
    "PlanPaused",
    "PlanRunning",
    "PlanSetup",
    "Rule",
    "TaskSettled",
    "VolunteerChoice",
    "care_rows",
    "care_work",
    "change_rule",
    "check_note",
    "check_rule",
    "check_what",
    "create_plan",
    "end_plan",
    "flag_missed",
    "grid_plans",
    "make_tasks",
    "mark_done",
    "my_care",
    "pause_plan",
    "plan_card",
    "plan_setup",
    "resume_plan",
    "run_day",
    "special_households",
    "task_to_do",
]
