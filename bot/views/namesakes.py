"""Namesakes told apart on the buttons a leader presses to pick a person: "王芳（尾号 1234）"
(the rule that picks the hint is bot.services.kernel.namesakes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.i18n import tp
from bot.services.kernel.namesakes import namesake_hints
from storage.models import Person


def told_apart(lang: str, name: str, hint: str | None) -> str:
    """A name on a button, with what tells a namesake apart ("王芳（尾号 1234）")."""
    if not hint:
        return name
    return tp(
        lang,
        "volunteers.namesake_number" if hint.startswith("#") else "volunteers.namesake_phone",
        name=name,
        hint=hint,
    )


def names_told_apart(
    lang: str, people: Iterable[Person], cut: Callable[[str], str] = lambda name: name
) -> dict[int, str]:
    """{person id: the name to show}, namesakes among `people` told apart; `cut` shortens the name
    for a button (the hint is never cut)."""
    listed = [(p.id, p.name or f"#{p.id}", p.phone) for p in people if p.id is not None]
    hints = namesake_hints(listed)
    return {pid: told_apart(lang, cut(name), hints.get(pid)) for pid, name, _ in listed if pid is not None}
