"""The request card (the volunteer group's copy and the leaders' private copies).

The card goes to group chats: category, summary (phone-like digits masked), when, slots,
skills that fit, who took it. NEVER the address or the phone.
"""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.requests import CardFacts, LeadIntro, RequestCard, mask_phones, skills_fit
from storage.enums import RequestStatus

from ..message import Button, Keyboard, OutMessage
from ..render import renders
from .callbacks import BOARD_PICK, BOARD_REQUEST, TASK_ACCEPT, TASK_UNIT_CLAIM
from .labels import category_label, names_list, skills_label, status_label, when_label

INTRO_KEYS = {
    LeadIntro.no_group: "request.card.no_group_intro",
    LeadIntro.to_leader: "request.escalate.leader_intro",
    LeadIntro.to_admins: "request.escalate.admin_intro",
}


def unit_label(lang: str, unit: str, members: tuple[str, ...]) -> str:
    """A unit holding the request, with its members on it: "🏢 区税务局（张志愿）"."""
    if not members:
        return tp(lang, "request.card.unit_alone", unit=unit)
    return tp(lang, "request.card.unit", unit=unit, members=names_list(lang, members))


def card_text(
    lang: str,
    card: CardFacts,
    takers: tuple[str, ...] | list[str],
    *,
    returned: bool = False,
    units: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> str:
    """The public card: no address, no phone (and phone-like digits in the summary masked). `units`:
    the paired units holding it, each with its members on it (named with their unit)."""
    lines = [
        t(lang, "request.card.head", code=card.code, category=category_label(lang, card.category)),
        t(lang, "request.card.summary", summary=mask_phones(card.summary)),
        t(lang, "request.card.when", when=when_label(lang, card.when_kind, card.when_date, card.this_year)),
    ]
    if card.status == RequestStatus.open.value:
        lines.append(t(lang, "request.card.slots", slots=card.slots, left=card.slots - card.slots_taken))
    fit = skills_fit(card.category)
    if fit:
        lines.append(t(lang, "request.card.skills", skills=skills_label(lang, fit)))
    if takers or units:
        names = list(takers) + [unit_label(lang, unit, members) for unit, members in units]
        lines.append(t(lang, "request.card.takers", names=names_list(lang, names)))
    if card.status != RequestStatus.open.value:
        lines.append(t(lang, "request.card.status", status=status_label(lang, card.status)))
    if returned:
        lines.append(t(lang, "request.card.returned"))
    return "\n".join(lines)


def card_buttons(lang: str, card: CardFacts, *, lead: bool = False) -> Keyboard:
    rows: Keyboard = []
    if card.status == RequestStatus.open.value:
        rows.append([Button(tp(lang, "request.card.accept_button"), data=TASK_ACCEPT.data(card.request_id))])
        if lead:
            rows[0].append(Button(tp(lang, "request.card.dispatch_button"), data=BOARD_PICK.data(card.request_id)))
        else:  # in the group: a paired unit's contact may claim it for the unit (包联单位认领)
            rows.append([Button(tp(lang, "units.claim_button"), data=TASK_UNIT_CLAIM.data(card.request_id))])
    if lead and card.status in (RequestStatus.filled.value, RequestStatus.done_reported.value):
        rows.append([Button(tp(lang, "request.card.manage_button"), data=BOARD_REQUEST.data(card.request_id))])
    return rows


@renders(RequestCard)
def request_card(n: RequestCard, lang: str) -> OutMessage:
    text = card_text(lang, n.card, n.takers, returned=n.returned, units=n.units)
    if n.intro is not None:
        text = t(lang, INTRO_KEYS[n.intro], code=n.card.code, n=n.minutes, grid=n.grid) + "\n\n" + text
    return OutMessage(
        chat_id=n.chat_id, text=text, buttons=card_buttons(lang, n.card, lead=n.lead), silent=not n.urgent
    )
