"""吹哨: /departments and /adddepartment's answers, /whistle's choice of department and of what is
shared, the department's card with its buttons, and the notices to the resident and the admins."""

from __future__ import annotations

from bot.i18n import t, tn, tp
from bot.services.referrals import (
    Decided,
    DepartmentCard,
    DepartmentRow,
    Forwarded,
    ReferralAnswered,
    ReferralSent,
    ReferralUpdate,
    WhistleChoice,
)
from bot.views.callbacks import ID, Callback, Int
from bot.views.digests.text import when_text
from bot.views.labels import value_label
from bot.views.message import Button, Keyboard, OutMessage
from bot.views.places.lists import label
from bot.views.render import renders

SHARE, DAYS = Int(0, 3), Int(1, 14)  # share: 1 the address, 2 the phone; the reply deadline in days
WH_DEPT = Callback("wh", "d", ID, ID)  # wh:d:<request>:<department>
WH_SET = Callback("wh", "t", ID, ID, SHARE, DAYS)  # the confirmation, with a choice changed
WH_SEND = Callback("wh", "s", ID, ID, SHARE, DAYS)
WH_ACCEPT = Callback("wh", "a", ID)  # wh:a:<referral>
WH_ANSWER = Callback("wh", "r", ID)
WH_BACK = Callback("wh", "b", ID)
DEFAULT_DAYS = 3
DAY_CHOICES = (1, 3, 7)


def usage(lang: str) -> str:
    return t(lang, "referrals.usage")


def department_list(lang: str, rows: list[DepartmentRow]) -> str:
    lines = [t(lang, "referrals.list_header")]
    for r in rows:
        who = tp(lang, "referrals.offline") if r.offline else r.contact
        lines.append(t(lang, "referrals.list_line", community=r.community, name=r.name, contact=who))
    if not rows:
        lines.append(t(lang, "referrals.none_yet"))
    lines.append(usage(lang))
    return "\n".join(lines)


def added(lang: str, r: DepartmentRow) -> str:
    who = tp(lang, "referrals.offline") if r.offline else r.contact
    return t(lang, "referrals.added", name=r.name, community=r.community, contact=who)


def _request_lines(lang: str, c: WhistleChoice) -> str:
    return t(
        lang,
        "referrals.request",
        code=c.code,
        category=value_label(lang, "category", c.category),
        grid=c.grid,
        summary=c.summary,
    )


def choose_department(lang: str, c: WhistleChoice) -> tuple[str, Keyboard]:
    buttons = [
        [Button(("📵 " if offline else "🏛 ") + label(name), data=WH_DEPT.data(c.request_id, dep))]
        for dep, name, offline in c.departments
    ]
    return _request_lines(lang, c) + "\n\n" + t(lang, "referrals.choose_department"), buttons


def confirm(lang: str, c: WhistleChoice, department_id: int, share: int, days: int) -> tuple[str, Keyboard]:
    """What goes to the department, said plainly, with the toggles, the deadline and Send."""
    name = next((n for d, n, _ in c.departments if d == department_id), "")
    address, phone = bool(share & 1) and c.has_address, bool(share & 2) and c.has_phone
    shared = [tp(lang, "referrals.shared.request")]
    if address:
        shared.append(tp(lang, "referrals.shared.address"))
    if phone:
        shared.append(tp(lang, "referrals.shared.phone"))
    text = "\n".join(
        [
            _request_lines(lang, c),
            "",
            tn(lang, "referrals.confirm", days, department=name),
            t(lang, "referrals.shares", what="、".join(shared) if lang == "zh-CN" else ", ".join(shared)),
            t(lang, "referrals.never_name"),
        ]
    )
    rid, did = c.request_id, department_id
    toggles = []
    if c.has_address:
        key = "referrals.toggle.address_on" if address else "referrals.toggle.address_off"
        toggles.append(Button(tp(lang, key), data=WH_SET.data(rid, did, share ^ 1, days)))
    if c.has_phone:
        key = "referrals.toggle.phone_on" if phone else "referrals.toggle.phone_off"
        toggles.append(Button(tp(lang, key), data=WH_SET.data(rid, did, share ^ 2, days)))
    day_row = [
        Button(("✅ " if d == days else "") + tn(lang, "referrals.days", d), data=WH_SET.data(rid, did, share, d))
        for d in DAY_CHOICES
    ]
    send = [Button(tp(lang, "referrals.send"), data=WH_SEND.data(rid, did, share, days))]
    return text, [row for row in (toggles, day_row, send) if row]


def sent(lang: str, f: Forwarded) -> str:
    key = "referrals.sent_offline" if f.offline else "referrals.sent"
    return t(lang, key, code=f.code, department=f.department, due=when_text(f.due_at, f.timezone, lang))


def decided(lang: str, d: Decided) -> str:
    return t(lang, f"referrals.done.{d.kind}", code=d.code, department=d.department)


def answer_buttons(lang: str, referral_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "referrals.button.answer"), data=WH_ANSWER.data(referral_id)),
            Button(tp(lang, "referrals.button.back"), data=WH_BACK.data(referral_id)),
        ]
    ]


def ask_answer(lang: str, code: str) -> str:
    return t(lang, "referrals.ask_answer", code=code)


def answer_cancelled(lang: str) -> str:
    return t(lang, "referrals.answer_cancelled")


def text_only(lang: str) -> str:
    return t(lang, "referrals.text_only")


@renders(DepartmentCard)
def department_card(n: DepartmentCard, lang: str) -> OutMessage:
    lines = [
        t(
            lang,
            "referrals.card",
            community=n.community,
            department=n.department,
            code=n.code,
            category=value_label(lang, "category", n.category),
            grid=n.grid,
            summary=n.summary,
        )
    ]
    if n.address:
        lines.append(t(lang, "referrals.card.address", address=n.address))
    if n.phone:
        lines.append(t(lang, "referrals.card.phone", phone=n.phone))
    lines.append(t(lang, "referrals.card.due", due=when_text(n.due_at, n.timezone, lang)))
    if n.offline:
        lines.append(t(lang, "referrals.card.offline"))
    buttons = [[Button(tp(lang, "referrals.button.accept"), data=WH_ACCEPT.data(n.referral_id))]]
    return OutMessage(chat_id=n.chat_id, text="\n".join(lines), buttons=buttons + answer_buttons(lang, n.referral_id))


@renders(ReferralSent)
def referral_sent(n: ReferralSent, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id, text=t(lang, "referrals.to_resident.sent", code=n.code, department=n.department)
    )


@renders(ReferralAnswered)
def referral_answered(n: ReferralAnswered, lang: str) -> OutMessage:
    text = t(lang, "referrals.to_resident.answered", code=n.code, department=n.department, answer=n.answer)
    return OutMessage(chat_id=n.chat_id, text=text)


@renders(ReferralUpdate)
def referral_update(n: ReferralUpdate, lang: str) -> OutMessage:
    text = t(lang, f"referrals.to_admin.{n.kind}", code=n.code, department=n.department, answer=n.answer)
    return OutMessage(chat_id=n.chat_id, text=text)
