"""How the places' facts read: care flags, kinds of group chat."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import join_list, tp
from storage.enums import CareFlag, ChatKind

CARE_FLAG_KEYS = {
    CareFlag.elderly_alone.value: "households.flag.elderly_alone",
    CareFlag.left_behind_children.value: "households.flag.left_behind_children",
    CareFlag.disability.value: "households.flag.disability",
    CareFlag.other.value: "households.flag.other",
}
KIND_KEYS = {ChatKind.volunteers.value: "groups.kind_volunteers", ChatKind.residents.value: "groups.kind_residents"}


def flags_text(lang: str, flags: str | Iterable[str]) -> str:
    values = flags.split(",") if isinstance(flags, str) else flags
    return join_list(lang, [tp(lang, CARE_FLAG_KEYS[f]) for f in values if f in CARE_FLAG_KEYS])


def kind_text(lang: str, kind: str) -> str:
    return tp(lang, KIND_KEYS[kind])
