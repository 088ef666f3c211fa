"""Volunteers as leaders and applicants see them: the card, the decisions, the notices, the list."""

from __future__ import annotations

from bot.i18n import t, tn, tp
from bot.services.people import (
    ApplicationDecided,
    ApplicationWithdrawn,
    Decision,
    StandingChanged,
    VolunteerApplied,
    VolunteerApproved,
    VolunteerCard,
    VolunteerDeclined,
    VolunteerLeft,
    VolunteerView,
)
from bot.views.message import Button, Keyboard, OutMessage
from bot.views.places.lists import PER_PAGE, choice_buttons, page_nav
from bot.views.render import renders
from storage.enums import VolunteerStatus

from ..namesakes import names_told_apart
from .callbacks import VOL_APPROVE, VOL_DECLINE, VOL_LIST_PAGE, VOL_REINSTATE, VOL_SUSPEND
from .labels import skills_text, status_text, work_group_text, yes_no


def card_text(lang: str, card: VolunteerCard, *, with_phone: bool = True) -> str:
    """The volunteer as a leader sees them (private chat only: it has the phone number)."""
    return t(
        lang,
        "volunteers.card",
        name=card.name,
        grid=card.grid,
        community=card.community,
        phone=(card.phone or "—") if with_phone else "—",
        work_group=work_group_text(lang, card.work_group),
        party=yes_no(lang, card.party_member),
        skills=skills_text(lang, card.skills) or "—",
        availability=card.availability or "—",
        status=status_text(lang, card.status),
    ) + ("\n" + t(lang, "units.card_line", unit=card.unit) if card.unit else "")


def decision_buttons(lang: str, profile_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "volunteers.approve_button"), data=VOL_APPROVE.data(profile_id)),
            Button(tp(lang, "volunteers.decline_button"), data=VOL_DECLINE.data(profile_id)),
        ]
    ]


def pending_card(lang: str, view: VolunteerView) -> tuple[str, Keyboard]:
    """One waiting application in /pending."""
    return card_text(lang, view.card), decision_buttons(lang, view.profile.id or 0)


def decided(lang: str, body: str, approved: bool) -> str:
    """The pressed card, saying what this leader decided."""
    return body + "\n\n" + t(lang, "volunteers.you_approved" if approved else "volunteers.you_declined")


def volunteer_list(lang: str, views: list[VolunteerView], total: int, page: int) -> tuple[str, Keyboard]:
    """/volunteers: one page of the approved and suspended volunteers, by grid, with suspend / reinstate."""
    lines, grid = [t(lang, "volunteers.list_header", n=total)], None
    rows = []
    names = names_told_apart(lang, (v.person for v in views))
    for v in views:
        if v.grid.id != grid:
            grid = v.grid.id
            lines.append(t(lang, "volunteers.list_grid", grid=v.grid.name))
        suspended = v.profile.status == VolunteerStatus.suspended.value
        lines.append(
            t(
                lang,
                "volunteers.list_line_suspended" if suspended else "volunteers.list_line",
                name=names.get(v.person.id or 0, v.person.name),
                skills=skills_text(lang, v.profile.skills) or "—",
            )
        )
        press = VOL_REINSTATE if suspended else VOL_SUSPEND
        rows.append(
            (
                tp(lang, "volunteers.reinstate_button" if suspended else "volunteers.suspend_button")
                + " "
                + names.get(v.person.id or 0, v.person.name),
                press.data(v.profile.id),
            )
        )
    buttons = choice_buttons(rows, lang)
    nav = page_nav(lang, page, -(-total // PER_PAGE), VOL_LIST_PAGE)
    return "\n".join(lines), buttons + ([nav] if nav else [])


# ------------------------------------------------------------------ notices
@renders(VolunteerApplied)
def applied(n: VolunteerApplied, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "volunteers.new_application") + "\n\n" + card_text(lang, n.card),
        buttons=decision_buttons(lang, n.card.profile_id),
    )


@renders(ApplicationDecided)
def application_decided(n: ApplicationDecided, lang: str) -> OutMessage:
    key = "volunteers.card_approved_by" if n.decision == Decision.approved else "volunteers.card_declined_by"
    return OutMessage(
        chat_id=n.chat_id, text=card_text(lang, n.card, with_phone=False) + "\n\n" + t(lang, key, name=n.by)
    )


@renders(ApplicationWithdrawn)
def application_withdrawn(n: ApplicationWithdrawn, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "volunteers.card_withdrawn", name=n.name))


@renders(VolunteerApproved)
def approved(n: VolunteerApproved, lang: str) -> OutMessage:
    buttons: Keyboard = []
    if n.group is None:
        extra = t(lang, "volunteers.no_group_yet")
    elif n.invite_link:
        extra = t(lang, "volunteers.join_group", group=n.group)
        buttons = [[Button(tp(lang, "volunteers.join_button"), url=n.invite_link)]]
    else:
        extra = t(lang, "volunteers.leader_adds_you", group=n.group)
    return OutMessage(
        chat_id=n.chat_id, text=t(lang, "volunteers.approved_notice", grid=n.grid) + "\n\n" + extra, buttons=buttons
    )


@renders(VolunteerDeclined)
def declined(n: VolunteerDeclined, lang: str) -> OutMessage:
    text = t(lang, "volunteers.declined_notice", grid=n.grid)
    if n.reason:
        text += "\n" + t(lang, "volunteers.declined_reason", reason=n.reason)
    return OutMessage(chat_id=n.chat_id, text=text)


@renders(StandingChanged)
def standing_changed(n: StandingChanged, lang: str) -> OutMessage:
    key = "volunteers.suspended_notice" if n.suspended else "volunteers.reinstated_notice"
    return OutMessage(chat_id=n.chat_id, text=t(lang, key, grid=n.grid))


@renders(VolunteerLeft)
def volunteer_left(n: VolunteerLeft, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id, text=tn(lang, "volunteers.left_notice", n.households, name=n.name, grid=n.grid)
    )
