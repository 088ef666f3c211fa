"""Friday door visits (周五入户): a volunteer's paired households, the visit log, the ledger (民情台账),
the reminders. What handlers, views, jobs and other features use."""

from .door_visits import (
    NOTE_MAX,
    AlreadyLogged,
    VisitLogged,
    check_can_log,
    check_note,
    log_door_visit,
    parse_flags,
    record_visit,
)
from .ledger import (
    LEDGER_LIMIT,
    PAGE_SIZE,
    HouseholdPage,
    HouseholdRow,
    Ledger,
    LedgerEntry,
    household_ledger,
    ledger_households,
    ledger_of,
)
from .notices import PairedRow, RedFlagAlert, VisitList, VisitOverview, VolunteerTally
from .paired_households import MyHouseholds, PairedHousehold, household_details, my_households, unlogged_visits
from .reminders import VolunteerWeek, paired_weeks, send_visit_lists, send_visit_overviews, send_visit_reminders

__all__ = [
    "LEDGER_LIMIT",
    "NOTE_MAX",
    "PAGE_SIZE",
    "AlreadyLogged",
    "HouseholdPage",
    "HouseholdRow",
    "Ledger",
    "LedgerEntry",
    "MyHouseholds",
    "PairedHousehold",
    "PairedRow",
    "RedFlagAlert",
    "VisitList",
    "VisitLogged",
    "VisitOverview",
    "VolunteerTally",
    "VolunteerWeek",
    "check_can_log",
    "check_note",
    "household_details",
    "household_ledger",
    "ledger_households",
    "ledger_of",
    "log_door_visit",
    "my_households",
    "paired_weeks",
    "parse_flags",
    "record_visit",
    "send_visit_lists",
    "send_visit_overviews",
    "send_visit_reminders",
    "unlogged_visits",
]
