"""Emergency call-ups (平急转换): the call-up, the headcount card, the admin's menus, their buttons."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import join_list, t, tn, tp
from bot.services.emergency import Answered, CallUp, CallUpEnded, EmergencyMenu, Headcount
from bot.services.kernel.periods import aware, zone
from storage.models import Emergency

from .callbacks import ID, Callback, One
from .labels import value_label
from .message import Button, Keyboard, OutMessage
from .points import award_line
from .render import renders

# callback data, byte-identical to what the buttons in chats carry
ON_DUTY = Callback("emg", "on", ID)  # a shock-team volunteer answers "on duty"
CANT = Callback("emg", "cant", ID)  # ... or "can't come"
END = Callback("emg", "end", ID)  # an admin ends it
SCOPE = Callback("emg", "scope", One("community", "grid"), ID)  # /emergency: where
GO = Callback("emg", "go")  # confirm and call up
CANCEL = Callback("emg", "cancel")

NAMES_SHOWN = 40  # names on the headcount card
GRIDS_SHOWN = 30  # grids of a community offered in /emergency
ROWS_SHOWN = 60  # buttons in /emergency above Cancel


def local(when: datetime, tz: str) -> str:
    return aware(when).astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")


def callup_buttons(lang: str, emergency_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "emergency.button.on_duty"), data=ON_DUTY.data(emergency_id)),
            Button(tp(lang, "emergency.button.cant"), data=CANT.data(emergency_id)),
        ]
    ]


def callup_text(lang: str, place: str, reason: str, target: int) -> str:
    return t(lang, "emergency.callup", place=place, reason=reason, target=target)


@renders(CallUp)
def callup(n: CallUp, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=callup_text(lang, n.place, n.reason, n.target),
        silent=False,
        buttons=callup_buttons(lang, n.emergency_id),
    )


@renders(CallUpEnded)
def callup_ended(n: CallUpEnded, lang: str) -> OutMessage:
    text = t(lang, "emergency.callup.ended", place=n.place, reason=n.reason)
    if n.hours is not None:
        text += "\n" + tn(lang, "emergency.callup.thanks", n.hours)
        if n.award is not None:
            text += "\n" + award_line(lang, n.award)
    return OutMessage(chat_id=n.chat_id, text=text)


@renders(Headcount)
def headcount(n: Headcount, lang: str) -> OutMessage:
    on = [name or "—" for name in n.on_duty]
    names = join_list(lang, on[:NAMES_SHOWN]) + ("…" if len(on) > NAMES_SHOWN else "") if on else "—"
    text = t(
        lang,
        "emergency.headcount",
        place=n.place,
        reason=n.reason,
        started=local(n.started_at, n.timezone),
        on_duty=len(on),
        target=n.target,
        cant=n.cant,
        waiting=n.waiting,
        names=names,
    )
    if n.ended_at is not None:
        span = int((aware(n.ended_at) - aware(n.started_at)).total_seconds() // 60)
        text += "\n" + t(
            lang, "emergency.headcount.ended", ended=local(n.ended_at, n.timezone), hours=span // 60, minutes=span % 60
        )
        return OutMessage(chat_id=n.chat_id, text=text)
    return OutMessage(
        chat_id=n.chat_id,
        text=text,
        buttons=[[Button(tp(lang, "emergency.button.end"), data=END.data(n.emergency_id))]],
    )


def answered(lang: str, res: Answered, emergency_id: int) -> tuple[str, str, Keyboard]:
    """A call-up answered: (the press's toast, the card's new text, its buttons)."""
    label = value_label(lang, "duty", res.answer)
    toast = tp(lang, "emergency.answered" if res.changed else "emergency.answered_same", answer=label)
    em = res.emergency
    text = callup_text(lang, res.place, em.reason, em.target) + "\n\n" + t(lang, "emergency.your_answer", answer=label)
    return toast, text, callup_buttons(lang, emergency_id)


def cancel_row(lang: str) -> list[Button]:
    return [Button(tp(lang, "emergency.button.cancel"), data=CANCEL.data())]


def _end_button(lang: str, em: Emergency, place: str) -> list[Button]:
    assert em.id is not None
    return [Button(tp(lang, "emergency.button.end_place", place=place), data=END.data(em.id))]


def menu(lang: str, m: EmergencyMenu) -> tuple[str, Keyboard, dict[str, str]]:
    """/emergency: (text, buttons, the scope buttons offered: callback data -> place name)."""
    rows: Keyboard = []
    offered: dict[str, str] = {}
    for sc in m.scopes:
        data = SCOPE.data("community", sc.community_id)
        offered[data] = sc.community
        rows.append([Button(tp(lang, "emergency.scope.community", name=sc.community), data=data)])
        for gid, name in sc.grids[:GRIDS_SHOWN]:
            data = SCOPE.data("grid", gid)
            offered[data] = name
            rows.append([Button(tp(lang, "emergency.scope.grid", name=name), data=data)])
    text = t(lang, "emergency.ask.scope")
    if m.active:
        text = t(lang, "emergency.active_list", places=join_list(lang, [p for _, p in m.active])) + "\n\n" + text
        rows = [_end_button(lang, em, p) for em, p in m.active] + rows
    return text, rows[:ROWS_SHOWN] + [cancel_row(lang)], offered


def pick_end(lang: str, choices: list[tuple[Emergency, str]]) -> tuple[str, Keyboard]:
    return t(lang, "emergency.pick_end"), [_end_button(lang, em, place) for em, place in choices]


def ask_reason(lang: str, place: str) -> tuple[str, Keyboard]:
    return t(lang, "emergency.ask.reason", place=place), [cancel_row(lang)]


def ask_target(lang: str, most: int) -> tuple[str, Keyboard]:
    return t(lang, "emergency.ask.target", max=most), [cancel_row(lang)]


def confirm(lang: str, place: str, reason: str, target: int) -> tuple[str, Keyboard]:
    return (
        t(lang, "emergency.confirm", place=place, reason=reason, target=target),
        [[Button(tp(lang, "emergency.button.start"), data=GO.data())], cancel_row(lang)],
    )


def started(lang: str, place: str, called: int) -> str:
    return t(lang, "emergency.started" if called else "emergency.started_nobody", place=place, n=called, called=called)


def ended(lang: str, on_duty: int, awarded: int) -> str:
    return t(lang, "emergency.ended", on_duty=on_duty, awarded=awarded)
