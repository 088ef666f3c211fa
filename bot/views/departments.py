"""吹哨's departments in chat: /departments (each with a button), one department's card with its edits
(rename, new contact, remove or bring back), the prompts and the answers.

Callback data: `dep:show:<id>` the department as it is now, `dep:name:<id>` / `dep:who:<id>` ask for a new
name or contact, `dep:rm:<id>` asks to confirm removing it, `dep:rmy:<id>` removes it, `dep:back:<id>`
brings a removed one back."""

from __future__ import annotations

from bot.i18n import t, tn, tp
from bot.services.referrals import DepartmentRow, Removed
from bot.views.callbacks import ID, Callback
from bot.views.message import Button, Keyboard
from bot.views.places.lists import label

DEP_SHOW = Callback("dep", "show", ID)
DEP_RENAME = Callback("dep", "name", ID)
DEP_CONTACT = Callback("dep", "who", ID)
DEP_REMOVE = Callback("dep", "rm", ID)
DEP_REMOVE_YES = Callback("dep", "rmy", ID)
DEP_RESTORE = Callback("dep", "back", ID)


def usage(lang: str) -> str:
    return t(lang, "referrals.usage")


def _who(lang: str, r: DepartmentRow) -> str:
    return tp(lang, "referrals.offline") if r.offline else r.contact


def department_list(lang: str, rows: list[DepartmentRow]) -> tuple[str, Keyboard]:
    lines = [t(lang, "referrals.list_header")]
    for r in rows:
        key = "referrals.list_line" if r.active else "referrals.list_line_removed"
        lines.append(t(lang, key, community=r.community, name=r.name, contact=_who(lang, r)))
    if not rows:
        lines.append(t(lang, "referrals.none_yet"))
    else:
        lines.append(t(lang, "referrals.list_pick"))
    lines.append(usage(lang))
    buttons = [[Button(("🏛 " if r.active else "🗄 ") + label(r.name), data=DEP_SHOW.data(r.id))] for r in rows[:40]]
    return "\n".join(lines), buttons


def added(lang: str, r: DepartmentRow) -> str:
    key = "referrals.readded" if r.readded else "referrals.added"
    return t(lang, key, name=r.name, community=r.community, contact=_who(lang, r))


def card(lang: str, r: DepartmentRow) -> tuple[str, Keyboard]:
    """One department as it is now, with what the admin can do to it."""
    lines = [
        t(lang, "referrals.dep.head", name=r.name, community=r.community),
        t(lang, "referrals.dep.contact", contact=_who(lang, r)),
        tn(lang, "referrals.dep.open", r.open_referrals),
    ]
    if not r.active:
        lines.append(t(lang, "referrals.dep.removed"))
        return "\n".join(lines), [[Button(tp(lang, "referrals.dep.restore_button"), data=DEP_RESTORE.data(r.id))]]
    return "\n".join(lines), [
        [
            Button(tp(lang, "referrals.dep.rename_button"), data=DEP_RENAME.data(r.id)),
            Button(tp(lang, "referrals.dep.contact_button"), data=DEP_CONTACT.data(r.id)),
        ],
        [Button(tp(lang, "referrals.dep.remove_button"), data=DEP_REMOVE.data(r.id))],
    ]


def ask_remove(lang: str, r: DepartmentRow) -> tuple[str, Keyboard]:
    text = tn(lang, "referrals.dep.ask_remove", r.open_referrals, name=r.name)
    return text, [
        [
            Button(tp(lang, "referrals.dep.remove_yes"), data=DEP_REMOVE_YES.data(r.id)),
            Button(tp(lang, "referrals.dep.keep"), data=DEP_SHOW.data(r.id)),
        ]
    ]


def removed(lang: str, r: Removed) -> str:
    if r.deleted:
        return t(lang, "referrals.dep.deleted", name=r.name)
    return tn(lang, "referrals.dep.deactivated", r.open_referrals, name=r.name)


def ask_name(lang: str, r: DepartmentRow) -> str:
    return t(lang, "referrals.dep.ask_name", name=r.name)


def ask_contact(lang: str, r: DepartmentRow) -> str:
    return t(lang, "referrals.dep.ask_contact", name=r.name)


def saved(lang: str, r: DepartmentRow) -> tuple[str, Keyboard]:
    text, buttons = card(lang, r)
    return t(lang, "referrals.dep.saved") + "\n\n" + text, buttons


def edit_cancelled(lang: str) -> str:
    return t(lang, "referrals.dep.cancelled")
