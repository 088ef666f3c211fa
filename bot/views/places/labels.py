"""How the places' facts read: care flags, kinds of group chat."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import join_list, tp
from storage.enums import ChatKind

from ..labels import family_keys, value_label

CARE_FLAG_KEYS = family_keys("care")
KIND_KEYS = {ChatKind.volunteers.value: "groups.kind_volunteers", ChatKind.residents.value: "groups.kind_residents"}


def flags_text(lang: str, flags: str | Iterable[str]) -> str:
    values = flags.split(",") if isinstance(flags, str) else flags
    return join_list(lang, [value_label(lang, "care", f) for f in values if f in CARE_FLAG_KEYS])


def kind_text(lang: str, kind: str) -> str:
    return tp(lang, KIND_KEYS[kind])
