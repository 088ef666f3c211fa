"""The private side of a task: details for the volunteer who holds it, and the buttons around it.

Only the holder (and leaders) ever see these: they carry the address and the phone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t, tp
from storage.enums import AssignmentStatus
from storage.models import Person

from bot.services.requests.cards import category_label, when_label
from bot.services.kernel.notifier import Button

if TYPE_CHECKING:
    from bot.services.requests.tasks import TaskView

ASSIGNMENT_KEYS = {AssignmentStatus.accepted.value: "task.astatus.accepted",
                   AssignmentStatus.started.value: "task.astatus.started",
                   AssignmentStatus.done.value: "task.astatus.done",
                   AssignmentStatus.released.value: "task.astatus.released",
                   AssignmentStatus.removed.value: "task.astatus.removed"}


def short(name: str, n: int = 20) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def details_text(lang: str, view: TaskView) -> str:
    req, a = view.request, view.assignment
    lines = [t(lang, "task.details.head", code=req.code or "", category=category_label(lang, req.category)),
             t(lang, "task.details.summary", summary=req.summary),
             t(lang, "task.details.when", when=when_label(lang, req.when_kind, req.when_date))]
    if req.address:
        lines.append(t(lang, "task.details.address", address=req.address))
    if view.resident_name:
        lines.append(t(lang, "task.details.resident", name=view.resident_name))
    elif view.household is not None:
        lines.append(t(lang, "task.details.household", members=view.household.members or "—"))
    if req.phone:
        lines.append(t(lang, "task.details.phone", phone=req.phone))
    elif view.can_message:
        lines.append(t(lang, "task.details.contact_bot"))
    if req.slots > 1:
        lines.append(t(lang, "task.details.team", taken=req.slots_taken, slots=req.slots))
    lines.append(t(lang, "task.details.status", status=tp(lang, ASSIGNMENT_KEYS.get(a.status, "task.astatus.accepted"))))
    return "\n".join(lines)


def details_buttons(lang: str, view: TaskView) -> list[list[Button]]:
    rid, status = view.request.id, view.assignment.status
    rows: list[list[Button]] = []
    if status == AssignmentStatus.accepted.value:
        rows.append([Button(tp(lang, "task.start_button"), data=f"task:start:{rid}"),
                     Button(tp(lang, "task.done_button"), data=f"task:done:{rid}")])
    elif status == AssignmentStatus.started.value:
        rows.append([Button(tp(lang, "task.done_button"), data=f"task:done:{rid}")])
    if status in (AssignmentStatus.accepted.value, AssignmentStatus.started.value):
        rows.append([Button(tp(lang, "task.release_button"), data=f"task:rel:{rid}")])
    if view.can_message:
        rows.append([Button(tp(lang, "relay.message_resident_button"), data=f"relay:open:{rid}")])
    return rows


def outcome_buttons(lang: str, request_id: int) -> list[list[Button]]:
    return [[Button(tp(lang, "rating.outcome.done_button"), data=f"rate:out:{request_id}:done"),
             Button(tp(lang, "rating.outcome.partly_button"), data=f"rate:out:{request_id}:partly")],
            [Button(tp(lang, "rating.outcome.not_done_button"), data=f"rate:out:{request_id}:not")]]


def relay_button(lang: str, request_id: int, volunteer: Person) -> Button:
    return Button(tp(lang, "relay.message_volunteer_button", name=short(volunteer.name or "…")),
                  data=f"relay:open:{request_id}:{volunteer.id}")
