"""小喇叭 notices: the sender's steps (/notice), the notice as people read it, the sender's delivery
card, and the residents' mute (/notices, the button under a notice)."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.loudspeaker import COMMUNITY, GRID, Announced, DeliveryCard, NoticePlace, Preview

from .callbacks import ID, Callback, One
from .message import Button, Keyboard, OutMessage
from .render import renders

PLACE = Callback("ann", "place", One(GRID, COMMUNITY), ID)  # /notice: where
AUDIENCE = Callback("ann", "aud", One("residents", "volunteers", "both"))  # to whom
URGENT = Callback("ann", "urg", One("on", "off"))  # the preview's urgent flag
SEND = Callback("ann", "send")
CANCEL = Callback("ann", "cancel")
MUTE = Callback("ann", "mute", One("on", "off"))  # under a notice: only urgent notices / hear them all again
MUTE_SCREEN = Callback("ann", "mutes", One("on", "off"))  # the same under /notices: its text follows the choice

PLACES_SHOWN = 40  # place buttons above Cancel


def _cancel_row(lang: str) -> list[Button]:
    return [Button(tp(lang, "notice.button.cancel"), data=CANCEL.data())]


def audience_label(lang: str, audience: str) -> str:
    return tp(lang, f"notice.audience.{audience}")


def ask_text(lang: str, most: int) -> tuple[str, Keyboard]:
    return t(lang, "notice.ask.text", max=most), [_cancel_row(lang)]


def ask_place(lang: str, places: list[NoticePlace]) -> tuple[str, Keyboard]:
    rows = [
        [
            Button(
                tp(lang, "notice.place.community" if p.kind == COMMUNITY else "notice.place.grid", name=p.name),
                data=PLACE.data(p.kind, p.id),
            )
        ]
        for p in places[:PLACES_SHOWN]
    ]
    return t(lang, "notice.ask.place"), rows + [_cancel_row(lang)]


def ask_audience(lang: str, place: str) -> tuple[str, Keyboard]:
    return (
        t(lang, "notice.ask.audience", place=place),
        [[Button(audience_label(lang, a), data=AUDIENCE.data(a))] for a in ("residents", "volunteers", "both")]
        + [_cancel_row(lang)],
    )


def notice_text(lang: str, place: str, sender: str, text: str, urgent: bool) -> str:
    head = t(lang, "notice.head.urgent" if urgent else "notice.head", place=place)
    return head + "\n\n" + t(lang, "notice.body", text=text) + "\n\n" + t(lang, "notice.signed", sender=sender)


def preview(lang: str, p: Preview, text: str) -> tuple[str, Keyboard]:
    """The notice as it will read, whom it reaches, and Send / urgent / Cancel."""
    reach = p.reach
    lines = [
        t(lang, "notice.preview.title"),
        notice_text(lang, p.place.name, p.sender, text, p.urgent),
        "",
        t(lang, "notice.preview.audience", place=p.place.name, audience=audience_label(lang, p.audience)),
        t(lang, "notice.preview.reach", people=len(reach.people), groups=len(reach.groups)),
    ]
    if reach.muted:
        lines.append(t(lang, "notice.preview.muted", n=reach.muted))
    if not reach.total:
        lines.append(t(lang, "notice.preview.nobody"))
        return "\n".join(lines), [_cancel_row(lang)]
    toggle = (
        Button(tp(lang, "notice.button.not_urgent"), data=URGENT.data("off"))
        if p.urgent
        else Button(tp(lang, "notice.button.urgent"), data=URGENT.data("on"))
    )
    return "\n".join(lines), [[Button(tp(lang, "notice.button.send"), data=SEND.data())], [toggle], _cancel_row(lang)]


def sent(lang: str, place: str, recipients: int) -> str:
    return t(lang, "notice.sent", place=place, n=recipients)


def mute_button(lang: str, muted: bool, codec: Callback = MUTE) -> Button:
    """Under a notice (or /notices, `codec` MUTE_SCREEN): the button that does the opposite of what
    the reader chose."""
    if muted:
        return Button(tp(lang, "notice.button.unmute"), data=codec.data("off"))
    return Button(tp(lang, "notice.button.mute"), data=codec.data("on"))


@renders(Announced)
def announced(n: Announced, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=notice_text(lang, n.place, n.sender, n.text, n.urgent),
        buttons=[[mute_button(lang, False)]] if n.mutable else [],
        silent=not n.urgent,
    )


@renders(DeliveryCard)
def delivery_card(n: DeliveryCard, lang: str) -> OutMessage:
    excerpt = n.text if len(n.text) <= 80 else n.text[:79] + "…"
    lines = [
        t(lang, "notice.card.head.urgent" if n.urgent else "notice.card.head", place=n.place),
        t(lang, "notice.card.audience", audience=audience_label(lang, n.audience)),
        t(lang, "notice.card.excerpt", text=excerpt),
        "",
        t(
            lang,
            "notice.card.done" if n.finished else "notice.card.progress",
            delivered=n.delivered,
            total=n.recipients,
            failed=n.failed,
        ),
    ]
    if n.muted:
        lines.append(t(lang, "notice.card.muted", n=n.muted))
    return OutMessage(chat_id=n.chat_id, text="\n".join(lines))


def mute_state(lang: str, muted: bool) -> tuple[str, Keyboard]:
    """/notices: what the reader chose, and the button to change it (pressed, this text follows)."""
    return t(lang, "notice.mute.muted" if muted else "notice.mute.hearing"), [[mute_button(lang, muted, MUTE_SCREEN)]]


def mute_answer(lang: str, muted: bool, changed: bool) -> str:
    key = ("notice.mute.now_muted" if muted else "notice.mute.now_hearing") if changed else "notice.mute.already"
    return tp(lang, key)
