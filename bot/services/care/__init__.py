"""Care plans for special households (独居老人, 留守儿童, ...): a leader records an agreed recurring
service (what, how often, who: by default the household's paired volunteer); each occurrence becomes a
task for that volunteer on its day (the daily job); one not done by the next morning is flagged to the
grid's leaders and shown in the digest."""

from .facts import (
    EVERY_DAYS,
    MAX_HOUSEHOLDS,
    MAX_PLANS,
    WHAT_MAX,
    BadRule,
    CareDone,
    HouseholdChoice,
    PlanEnded,
    PlanFact,
    PlanSetup,
    Rule,
    TaskSettled,
    VolunteerChoice,
)
from .mine import DueTask, MyCare, my_care
from .notices import CareMissed, CarePlanMade, CareTaskDue
from .occurrences import flag_missed, make_tasks, mark_done, run_day
from .plans import check_rule, check_what, create_plan, end_plan, grid_plans, plan_setup, special_households

__all__ = [
    "EVERY_DAYS",
    "MAX_HOUSEHOLDS",
    "MAX_PLANS",
    "WHAT_MAX",
    "BadRule",
    "CareDone",
    "CareMissed",
    "CarePlanMade",
    "CareTaskDue",
    "DueTask",
    "HouseholdChoice",
    "MyCare",
    "PlanEnded",
    "PlanFact",
    "PlanSetup",
    "Rule",
    "TaskSettled",
    "VolunteerChoice",
    "check_rule",
    "check_what",
    "create_plan",
    "end_plan",
    "flag_missed",
    "grid_plans",
    "make_tasks",
    "mark_done",
    "my_care",
    "plan_setup",
    "run_day",
    "special_households",
]
