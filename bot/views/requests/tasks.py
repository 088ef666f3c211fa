"""The private side of a task: details for the volunteer who holds it, the buttons around it, and
what the resident hears while it goes on. Only the holder (and leaders) ever see the details:
they carry the address and the phone.
"""

from __future__ import annotations

from bot.i18n import Raw, t, tp
from bot.services.requests import DoneReported, TaskReleased, TaskStarted, TaskTaken, TaskView, VolunteerComing
from storage.enums import AssignmentStatus

from ..message import Button, Keyboard, OutMessage
from ..render import renders
from .callbacks import (
    QUICK_HOURS,
    RATE_OUTCOME,
    RELAY_TO_RESIDENT,
    RELAY_TO_VOLUNTEER,
    TASK_DONE,
    TASK_HOURS,
    TASK_NOTE_SKIP,
    TASK_RELEASE,
    TASK_SHOW,
    TASK_START,
)
from .labels import assignment_label, category_label, short, when_label


def details_text(lang: str, view: TaskView) -> str:
    req, a = view.request, view.assignment
    lines = [
        t(lang, "task.details.head", code=req.code or "", category=category_label(lang, req.category)),
        t(lang, "task.details.summary", summary=req.summary),
        t(lang, "task.details.when", when=when_label(lang, req.when_kind, req.when_date, view.this_year)),
    ]
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
    lines.append(t(lang, "task.details.status", status=assignment_label(lang, a.status)))
    return "\n".join(lines)


def details_buttons(lang: str, view: TaskView) -> Keyboard:
    rid, status = view.request.id or 0, view.assignment.status
    rows: Keyboard = []
    if status == AssignmentStatus.accepted.value:
        rows.append(
            [
                Button(tp(lang, "task.start_button"), data=TASK_START.data(rid)),
                Button(tp(lang, "task.done_button"), data=TASK_DONE.data(rid)),
            ]
        )
    elif status == AssignmentStatus.started.value:
        rows.append([Button(tp(lang, "task.done_button"), data=TASK_DONE.data(rid))])
    if status in (AssignmentStatus.accepted.value, AssignmentStatus.started.value):
        rows.append([Button(tp(lang, "task.release_button"), data=TASK_RELEASE.data(rid))])
    if view.can_message:
        rows.append([Button(tp(lang, "relay.message_resident_button"), data=RELAY_TO_RESIDENT.data(rid))])
    return rows


def outcome_buttons(lang: str, request_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "rating.outcome.done_button"), data=RATE_OUTCOME.data(request_id, "done")),
            Button(tp(lang, "rating.outcome.partly_button"), data=RATE_OUTCOME.data(request_id, "partly")),
        ],
        [Button(tp(lang, "rating.outcome.not_done_button"), data=RATE_OUTCOME.data(request_id, "not"))],
    ]


def relay_button(lang: str, request_id: int, volunteer_id: int, name: str | None) -> Button:
    """The resident's button to write to a volunteer on their request."""
    return Button(
        tp(lang, "relay.message_volunteer_button", name=short(name or "…")),
        data=RELAY_TO_VOLUNTEER.data(request_id, volunteer_id),
    )


def open_private_button(
    lang: str, bot_username: str | None, payload: str, key: str = "task.open_private_button"
) -> Keyboard:
    """In a group the bot collects nothing: a button that opens the private chat."""
    return [[Button(tp(lang, key), url=f"https://t.me/{bot_username}?start={payload}")]]


def task_list(lang: str, views: list[TaskView]) -> tuple[list[str], Keyboard]:
    """/tasks: a line and a button for each of the volunteer's unfinished tasks."""
    lines = [t(lang, "task.list.head", count=len(views))]
    rows: Keyboard = []
    for v in views:
        lines.append(
            t(
                lang,
                "task.list.item",
                code=v.request.code or "",
                category=category_label(lang, v.request.category),
                summary=short(v.request.summary, 40),
            )
        )
        rows.append(
            [
                Button(
                    tp(lang, "task.list.open_button", code=v.request.code or ""), data=TASK_SHOW.data(v.request.id or 0)
                )
            ]
        )
    return lines, rows


def hours_buttons() -> Keyboard:
    return [[Button(typed, data=TASK_HOURS.data(token)) for token, typed in QUICK_HOURS.items()]]


def note_buttons(lang: str) -> Keyboard:
    return [[Button(tp(lang, "task.skip_note_button"), data=TASK_NOTE_SKIP.data("skip"))]]


@renders(TaskTaken)
def task_taken(n: TaskTaken, lang: str) -> OutMessage:
    intro = "task.details.dispatched_intro" if n.dispatched else "task.details.taken_intro"
    if n.unit:
        intro = "task.details.unit_intro"
    return OutMessage(
        chat_id=n.chat_id,
        text=t(
            lang,
            "task.details.wrap",
            intro=Raw(t(lang, intro, code=n.task.request.code or "", unit=n.unit)),
            details=Raw(details_text(lang, n.task)),
        ),
        buttons=details_buttons(lang, n.task),
    )


@renders(VolunteerComing)
def volunteer_coming(n: VolunteerComing, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "request.coming", code=n.code, name=n.volunteer_name),
        buttons=[[relay_button(lang, n.request_id, n.volunteer_id, n.volunteer_short)]],
    )


@renders(TaskStarted)
def task_started(n: TaskStarted, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "request.started", code=n.code, name=n.volunteer_name))


@renders(DoneReported)
def done_reported(n: DoneReported, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "request.done_ask", code=n.code, name=n.volunteer_name, hours=f"{n.hours:g}", note=n.note or "—"),
        buttons=outcome_buttons(lang, n.request_id),
    )


@renders(TaskReleased)
def task_released(n: TaskReleased, lang: str) -> OutMessage:
    key = "request.released_unit" if n.unit else "request.released"
    return OutMessage(chat_id=n.chat_id, text=t(lang, key, code=n.code, name=n.volunteer_name, unit=n.unit))
