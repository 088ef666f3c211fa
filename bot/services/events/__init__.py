"""Community events and red service days: planning, sign-ups, reminders. What handlers, views, jobs
and other features use."""
from .cards import COUNTED, signed_count
from .notices import AttendedThanks, CardState, EventCard, EventReminder, ServiceDayAnnounced, ServiceDayEvent
from .planning import (
                       PLACE_MAX,
                       SLOTS_MAX,
                       TITLE_MAX,
                       EventCreated,
                       EventScope,
                       EventView,
                       check_place,
                       check_title,
                       clean_slots,
                       create_event,
                       event_scopes,
                       parse_event_time,
                       signed_volunteers,
                       visible_events,
)
from .reminders import DAY_BEFORE, HOUR_BEFORE, events_starting, send_event_reminders, send_service_day, stamp
from .signups import (
                       CHECK_IN_FROM,
                       Roster,
                       RosterLine,
                       SignupResult,
                       check_in,
                       mark_attendance,
                       roster,
                       sign_up,
                       withdraw,
)

__all__ = ["CHECK_IN_FROM", "COUNTED", "DAY_BEFORE", "HOUR_BEFORE", "PLACE_MAX", "SLOTS_MAX", "TITLE_MAX",
           "AttendedThanks", "CardState", "EventCard", "EventCreated", "EventReminder", "EventScope", "EventView",
           "Roster", "RosterLine", "ServiceDayAnnounced", "ServiceDayEvent", "SignupResult", "check_in", "check_place",
           "check_title", "clean_slots", "create_event", "event_scopes", "events_starting", "mark_attendance",
           "parse_event_time", "roster", "send_event_reminders", "send_service_day", "sign_up", "signed_count",
           "signed_volunteers", "stamp", "visible_events", "withdraw"]
