"""What 吹哨 tells people, rendered: the department's card with its buttons, the resident's news (passed
to the street office, the outcome, handed back and what happens next), the admins' updates."""

from __future__ import annotations

from bot.i18n import t, tp
from bot.services.referrals import DepartmentCard, ReferralAnswered, ReferralHandedBack, ReferralSent, ReferralUpdate
from bot.services.withdrawal import ReferralCardWithdrawn, ReferralWithdrawn
from bot.views.labels import value_label
from bot.views.message import Button, OutMessage
from bot.views.render import renders

from . import referrals as whistle  # its codecs by the module, so they keep their home's name
from .referral_state import subject, when_text


@renders(DepartmentCard)
def department_card(n: DepartmentCard, lang: str) -> OutMessage:
    if n.item:
        head = t(
            lang,
            "referrals.card.item",
            community=n.community,
            department=n.department,
            code=subject(lang, n.code, True),
            flags=whistle.flags_text(lang, n.flags),
            grid=n.grid,
            summary=n.summary or "—",
        )
    else:
        head = t(
            lang,
            "referrals.card",
            community=n.community,
            department=n.department,
            code=n.code,
            category=value_label(lang, "category", n.category),
            grid=n.grid,
            summary=n.summary,
        )
    lines = [head]
    if n.address:
        lines.append(t(lang, "referrals.card.address", address=n.address))
    if n.phone:
        lines.append(t(lang, "referrals.card.phone", phone=n.phone))
    lines.append(t(lang, "referrals.card.due", due=when_text(n.due_at, n.timezone, lang)))
    if n.offline:
        lines.append(t(lang, "referrals.card.offline"))
    buttons = [[Button(tp(lang, "referrals.button.accept"), data=whistle.WH_ACCEPT.data(n.referral_id))]]
    return OutMessage(
        chat_id=n.chat_id, text="\n".join(lines), buttons=buttons + whistle.answer_buttons(lang, n.referral_id)
    )


@renders(ReferralSent)
def referral_sent(n: ReferralSent, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id, text=t(lang, "referrals.to_resident.sent", code=n.code, department=n.department)
    )


@renders(ReferralAnswered)
def referral_answered(n: ReferralAnswered, lang: str) -> OutMessage:
    text = t(lang, "referrals.to_resident.answered", code=n.code, department=n.department, answer=n.answer)
    return OutMessage(chat_id=n.chat_id, text=text)


@renders(ReferralHandedBack)
def referral_handed_back(n: ReferralHandedBack, lang: str) -> OutMessage:
    text = t(lang, "referrals.to_resident.handed_back", code=n.code, department=n.department)
    if n.reason:  # the department's own words, and nothing else of its workings
        text += "\n" + t(lang, "referrals.to_resident.reason", reason=n.reason)
    return OutMessage(chat_id=n.chat_id, text=text)


@renders(ReferralUpdate)
def referral_update(n: ReferralUpdate, lang: str) -> OutMessage:
    key = f"referrals.to_admin.{n.kind}"
    if n.item and n.kind in ("answered", "handed_back"):
        key += ".item" if n.settled else ".item_closed"
    text = t(lang, key, code=subject(lang, n.code, n.item), department=n.department, answer=n.answer)
    if n.kind == "handed_back" and n.answer:
        text += "\n" + t(lang, "referrals.to_admin.reason", reason=n.answer)
    return OutMessage(chat_id=n.chat_id, text=text)


def _withdrawn(n: ReferralWithdrawn | ReferralCardWithdrawn, lang: str, key: str) -> OutMessage:
    subject_text = subject(lang, n.code, n.item)
    text = t(lang, key, code=subject_text, department=n.department, community=n.community)
    return OutMessage(chat_id=n.chat_id, text=text)


@renders(ReferralWithdrawn)
def referral_withdrawn(n: ReferralWithdrawn, lang: str) -> OutMessage:
    """To the department: the community settled it; its card's buttons change nothing now."""
    return _withdrawn(n, lang, "referrals.to_department.withdrawn")


@renders(ReferralCardWithdrawn)
def referral_card_withdrawn(n: ReferralCardWithdrawn, lang: str) -> OutMessage:
    """The department's card once withdrawn: what it was, that no answer is needed; no buttons."""
    return _withdrawn(n, lang, "referrals.card.withdrawn")
