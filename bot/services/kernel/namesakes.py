"""People listed together who share a name (two 王芳 among a grid's volunteers) told apart on the
buttons a leader presses: each namesake gets a hint, the last four digits of their phone, else their
number (#id). Everyone else is shown by their name alone."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_NOT_DIGIT = re.compile(r"\D")


def phone_tail(phone: str | None) -> str | None:
    digits = _NOT_DIGIT.sub("", phone or "")
    return digits[-4:] if len(digits) >= 4 else None


def namesake_hints(people: Iterable[tuple[int | None, str | None, str | None]]) -> dict[int, str]:
    """{person id: hint} for each of `people` (id, name, phone) whose name another of them has too.
    Two namesakes whose phones end alike are told apart by their numbers."""
    listed = [(pid, (name or "").strip(), phone) for pid, name, phone in people if pid is not None]
    names = Counter(name for _, name, _ in listed)
    hints = {pid: phone_tail(phone) or f"#{pid}" for pid, name, phone in listed if names[name] > 1}
    alike = Counter((name, hints[pid]) for pid, name, _ in listed if pid in hints)
    for pid, name, _ in listed:
        if pid in hints and alike[(name, hints[pid])] > 1:
            hints[pid] = f"#{pid}"
    return hints
