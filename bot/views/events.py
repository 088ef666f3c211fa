"""Events and red service days: the group card, /events, the attendance roster, /newevent, the reminders."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton

from bot.i18n import Raw, t, tn, tp
from bot.services.events import (
    AttendedThanks,
    CardState,
    EventCard,
    EventReminder,
    EventScope,
    EventView,
    Roster,
    ServiceDayAnnounced,
    SignupResult,
)
from bot.services.kernel.periods import aware, zone
from storage.enums import EventKind, SignupStatus

from .callbacks import ID, Callback, One
from .message import Button, Keyboard, OutMessage
from .namesakes import told_apart
from .points import award_line
from .render import renders

# callback data, byte-identical to what the buttons in chats carry
JOIN = Callback("event", "join", ID)
LEAVE = Callback("event", "leave", ID)
ROLL = Callback("event", "roll", ID)  # the leader's attendance roster
ATTENDANCE = Callback("event", "att", ID, ID, One("1", "0"))  # event, volunteer, present?
SCOPE = Callback("event", "scope", One("grid", "community"), ID)  # /newevent: where
PUBLISH = Callback("event", "publish", One("event", "service_day"))
NEW_CANCEL = Callback("event", "new_cancel")

STATUS_KEYS = {
    SignupStatus.signed: "events.status.signed",
    SignupStatus.withdrawn: "events.status.withdrawn",
    SignupStatus.attended: "events.status.attended",
    SignupStatus.no_show: "events.status.no_show",
}
SCOPES_SHOWN, ROSTER_BUTTONS = 40, 90


def local_time(when: datetime, tz: str) -> str:
    return aware(when).astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")


def when_text(when: datetime, tz: str | None, lang: str) -> str:
    """`11月21日周六 09:00` / `Sat, Nov 21 09:00` in the community's zone."""
    local = when.astimezone(zone(tz))
    loc = "zh_CN" if lang == "zh-CN" else "en"
    return f"{format_skeleton('MMMEd', local, locale=loc)} {format_skeleton('Hm', local, locale=loc)}"


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def status_label(lang: str, status: str) -> str:
    return tp(lang, STATUS_KEYS[SignupStatus(status)])


@renders(EventCard)
def card(n: EventCard, lang: str) -> OutMessage:
    """The event card in a volunteer group: live count, sign-up / withdraw while it is open."""
    kind = tp(lang, "events.kind.service_day" if n.kind == EventKind.service_day.value else "events.kind.event")
    text = t(
        lang,
        "events.card",
        kind=kind,
        title=n.title,
        when=local_time(n.starts_at, n.timezone),
        place=n.place,
        signed=n.signed,
        slots=n.slots,
    )
    if n.state is CardState.cancelled:
        return OutMessage(chat_id=n.chat_id, text=text + "\n" + t(lang, "events.card.cancelled"))
    if n.state is CardState.closed:
        return OutMessage(chat_id=n.chat_id, text=text + "\n" + t(lang, "events.card.closed"))
    if n.state is CardState.full:
        text += "\n" + t(lang, "events.card.full")
    return OutMessage(
        chat_id=n.chat_id,
        text=text,
        buttons=[
            [
                Button(tp(lang, "events.button.join"), data=JOIN.data(n.event_id)),
                Button(tp(lang, "events.button.leave"), data=LEAVE.data(n.event_id)),
            ]
        ],
    )


@renders(AttendedThanks)
def attended_thanks(n: AttendedThanks, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "events.attended_thanks", title=n.title, when=local_time(n.starts_at, n.timezone))
        + "\n"
        + award_line(lang, n.award),
    )


@renders(EventReminder)
def reminder(n: EventReminder, lang: str) -> OutMessage:
    text = t(
        lang,
        "reminders.event.hour" if n.hour else "reminders.event.day",
        title=n.title,
        place=n.place or "—",
        when=when_text(n.starts_at, n.timezone, lang),
    )
    # the hour-before one rings: it is the one that gets people out of the door
    return OutMessage(chat_id=n.chat_id, text=text, silent=not n.hour)


@renders(ServiceDayAnnounced)
def service_day(n: ServiceDayAnnounced, lang: str) -> OutMessage:
    when = format_skeleton("MMMEd", n.day, locale="zh_CN" if lang == "zh-CN" else "en")
    lines = [
        t(
            lang,
            "reminders.service_day.event",
            title=e.title,
            place=e.place or "—",
            when=when_text(e.starts_at, n.timezone, lang),
        )
        for e in n.events
    ]
    text = t(lang, "reminders.service_day.announce", community=n.community, when=when)
    text += "\n" + ("\n".join(lines) if lines else t(lang, "reminders.service_day.no_events"))
    text += "\n\n" + t(lang, "reminders.service_day.sign_up", events=Raw("/events"))
    return OutMessage(chat_id=n.chat_id, text=text, silent=True)


def event_list(lang: str, views: list[EventView], *, private: bool) -> tuple[str, Keyboard]:
    """/events: upcoming events, with join / withdraw (and, in private, the leader's roster) buttons."""
    if not views:
        return t(lang, "events.list.none"), []
    lines, buttons = [t(lang, "events.list.header")], []
    for v in views:
        ev = v.event
        assert ev.id is not None
        mine = status_label(lang, v.my_status) if v.my_status else "—"
        lines.append(
            t(
                lang,
                "events.list.line",
                title=ev.title,
                when=local_time(ev.starts_at, v.timezone),
                place=ev.place,
                signed=v.signed,
                slots=ev.slots,
                mine=mine,
            )
        )
        row: list[Button] = []
        if not v.started and v.my_status == SignupStatus.signed.value:
            row.append(Button(tp(lang, "events.button.leave_title", title=_short(ev.title)), data=LEAVE.data(ev.id)))
        elif not v.started and v.can_join and v.my_status in (None, SignupStatus.withdrawn.value):
            row.append(Button(tp(lang, "events.button.join_title", title=_short(ev.title)), data=JOIN.data(ev.id)))
        if v.can_manage and private:
            row.append(Button(tp(lang, "events.button.roll", title=_short(ev.title)), data=ROLL.data(ev.id)))
        if row:
            buttons.append(row)
    return "\n\n".join(lines), buttons


def signup_answer(lang: str, res: SignupResult, *, joining: bool) -> tuple[str, bool]:
    """The toast after a join or leave press, and whether it is an alert (nothing changed)."""
    if joining:
        key = "events.signed_up" if res.changed else "events.already_signed"
    else:
        key = "events.withdrew" if res.changed else "events.not_signed_up"
    return tp(lang, key, title=res.event.title, signed=res.signed, slots=res.event.slots), not res.changed


def roster_message(lang: str, roster: Roster) -> tuple[str, Keyboard]:
    ev = roster.event
    assert ev.id is not None
    lines = [
        t(
            lang,
            "events.roll.header",
            title=ev.title,
            when=local_time(ev.starts_at, roster.timezone),
            n=len(roster.lines),
        )
    ]
    if not roster.open_for_check_in:
        lines.append(t(lang, "events.roll.not_yet"))
    buttons = []
    for line in roster.lines:
        name = line.name or "—"
        shown = told_apart(lang, name, line.hint)
        lines.append(t(lang, "events.roll.line", name=shown, status=status_label(lang, line.status)))
        if roster.open_for_check_in and line.status != SignupStatus.attended.value:
            buttons.append(
                [
                    Button(
                        tp(lang, "events.button.attended", name=told_apart(lang, _short(name, 16), line.hint)),
                        data=ATTENDANCE.data(ev.id, line.person_id, "1"),
                    ),
                    Button(tp(lang, "events.button.no_show"), data=ATTENDANCE.data(ev.id, line.person_id, "0")),
                ]
            )
    if not roster.lines:
        lines.append(t(lang, "events.roll.empty"))
    return "\n".join(lines), buttons[:ROSTER_BUTTONS]


def marked(lang: str, res: SignupResult) -> str:
    key = "events.marked" if res.changed else "events.marked_already"
    return tp(lang, key, status=status_label(lang, res.status or ""))


# /newevent


def cancel_row(lang: str) -> list[Button]:
    return [Button(tp(lang, "events.button.cancel"), data=NEW_CANCEL.data())]


def scope_key(scope: EventScope) -> str:
    """How a scope is kept in the draft: the data of its button."""
    return SCOPE.data(scope.kind, scope.id)


def ask_scope(lang: str, scopes: list[EventScope]) -> tuple[str, Keyboard]:
    rows = [
        [
            Button(
                tp(lang, "events.scope.community" if s.kind == "community" else "events.scope.grid", name=s.name),
                data=scope_key(s),
            )
        ]
        for s in scopes[:SCOPES_SHOWN]
    ]
    return t(lang, "events.ask.scope"), rows + [cancel_row(lang)]


def ask_title(lang: str, place: str) -> tuple[str, Keyboard]:
    return t(lang, "events.ask.title", place=place), [cancel_row(lang)]


def ask_time(lang: str, tz: str) -> tuple[str, Keyboard]:
    return t(lang, "events.ask.time", tz=tz), [cancel_row(lang)]


def ask_place(lang: str) -> tuple[str, Keyboard]:
    return t(lang, "events.ask.place"), [cancel_row(lang)]


def ask_slots(lang: str, most: int) -> tuple[str, Keyboard]:
    return t(lang, "events.ask.slots", max=most), [cancel_row(lang)]


def confirm(
    lang: str, *, where: str, title: str, starts_at: datetime, tz: str, place: str, slots: int
) -> tuple[str, Keyboard]:
    text = tn(lang, "events.confirm", slots, where=where, title=title, when=local_time(starts_at, tz), place=place)
    return text, [
        [Button(tp(lang, "events.button.publish"), data=PUBLISH.data("event"))],
        [Button(tp(lang, "events.button.publish_service_day"), data=PUBLISH.data("service_day"))],
        cancel_row(lang),
    ]


def created(lang: str, title: str, groups: int) -> str:
    return (
        tn(lang, "events.created", groups, title=title) if groups else t(lang, "events.created_no_group", title=title)
    )
