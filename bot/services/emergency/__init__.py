"""Emergency call-ups (平急转换): what handlers, views and other features use."""

from .callups import (
    REASON_MAX,
    TARGET_MAX,
    Answered,
    Ended,
    Started,
    answer_call_up,
    check_reason,
    check_target,
    end_emergency,
    start_emergency,
)
from .notices import CallUp, CallUpEnded, Headcount
from .scopes import (
    EmergencyMenu,
    EmergencyScope,
    EndChoice,
    active_emergencies,
    emergency_menu,
    emergency_scopes,
    end_active,
)

__all__ = [
    "REASON_MAX",
    "TARGET_MAX",
    "Answered",
    "CallUp",
    "CallUpEnded",
    "Ended",
    "EmergencyMenu",
    "EmergencyScope",
    "EndChoice",
    "Headcount",
    "Started",
    "active_emergencies",
    "answer_call_up",
    "check_reason",
    "check_target",
    "emergency_menu",
    "emergency_scopes",
    "end_active",
    "end_emergency",
    "start_emergency",
]
