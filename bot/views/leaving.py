"""The one line a person reads when a guided conversation ends without them finishing it: a command
typed inside it, or no answer for the configured time (bot/gate/expiry.py, handlers/leaving.py)."""

from __future__ import annotations

from bot.i18n import Raw, t, tn

# per conversation (its ConversationHandler name): what was dropped, and how to start again
NOTES = {
    "request": ("leaving.request", "leaving.again.request"),
    "volunteer_signup": ("leaving.volunteer_signup", "leaving.again.volunteer_signup"),
    "volunteer_profile": ("leaving.volunteer_profile", "leaving.again.volunteer_profile"),
    "household_add": ("leaving.household_add", "leaving.again.household_add"),
    "places": ("leaving.places", "leaving.again.places"),
    "new_event": ("leaving.new_event", "leaving.again.new_event"),
    "emergency_start": ("leaving.emergency_start", "leaving.again.emergency_start"),
    "notice": ("leaving.notice", "leaving.again.notice"),
    "visit_log": ("leaving.visit_log", "leaving.again.visit_log"),
    "meeting_decision": ("meeting.leaving", "meeting.leaving_again"),
    "care_plan": ("care.leaving", "care.leaving_again"),
    "care_done": ("care.leaving_done", "care.leaving_done_again"),
    "board_reason": ("leaving.board_reason", "leaving.again.board_reason"),
    "relay": ("leaving.relay", "leaving.again.relay"),
    "task_report": ("leaving.task_report", "leaving.again.task_report"),
    "rating": ("leaving.rating", "leaving.again.rating"),
    "referral_answer": ("leaving.referral_answer", "leaving.again.referral_answer"),
    "building_name": ("leaving.building_name", "leaving.again.building_name"),
    "department_edit": ("leaving.department_edit", "leaving.again.department_edit"),
}
_OTHER = ("leaving.other", "leaving.again.other")


def dropped_note(lang: str, name: str, idle_minutes: int | None = None) -> str:
    """What was dropped; after `idle_minutes` without an answer, also why and how to start again."""
    what, again = NOTES.get(name, _OTHER)
    if idle_minutes is None:
        return t(lang, what)
    return tn(lang, "leaving.idle", idle_minutes, dropped=Raw(t(lang, what)), again=Raw(t(lang, again)))
