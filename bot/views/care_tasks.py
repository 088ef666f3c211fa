"""A volunteer's care tasks: their lines in /tasks (waiting ones with a ✅ button each, then the next
of each plan), the short note asked for on "done" (typed, or Skip), and the thanks.

Callback data: `care:done:<task>` (bot/views/care.py) asks for the note; `care:skip:<task>` marks it
done without one."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.care import CareDone, DueTask, MyCare

from .callbacks import ID, Callback
from .care import DONE, short
from .meetings import day_text
from .message import Button, Keyboard

NOTE_SKIP = Callback("care", "skip", ID)
UPCOMING_SHOWN = 10


def tasks_section(lang: str, mine: MyCare) -> tuple[list[str], Keyboard]:
    """/tasks' care part: what waits (a ✅ button each) and what comes next; nothing if care asks nothing."""
    if not mine.due and not mine.upcoming:
        return [], []
    lines = ["", t(lang, "care.tasks.head")]
    for d in mine.due:
        lines.append(t(lang, "care.mine.due", what=d.what, address=d.address, day=day_text(lang, d.day)))
    for u in mine.upcoming[:UPCOMING_SHOWN]:
        lines.append(t(lang, "care.mine.upcoming", what=u.what, address=u.address, day=day_text(lang, u.day)))
    rows: Keyboard = [
        [
            Button(
                tp(lang, "care.button.done_of", what=short(d.what, 16), day=day_text(lang, d.day)),
                data=DONE.data(d.task_id),
            )
        ]
        for d in mine.due
    ]
    return lines, rows


def ask_note(lang: str, task: DueTask) -> tuple[str, Keyboard]:
    text = t(lang, "care.ask.note", what=task.what, address=task.address, day=day_text(lang, task.day))
    return text, [[Button(tp(lang, "care.button.skip_note"), data=NOTE_SKIP.data(task.task_id))]]


def done(lang: str, d: CareDone) -> str:
    text = t(lang, "care.done", what=d.what, address=d.address)
    return text + "\n" + t(lang, "care.done_note", note=d.note) if d.note else text
