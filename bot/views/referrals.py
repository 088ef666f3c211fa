"""吹哨: the choice of department and of what is shared for a request (/whistle CODE) or a meeting
item (its 🏛 button), the answer when it is sent, and the department's buttons and prompts.
The notices: bot/views/referral_notices.py; the departments' list and edits: bot/views/departments.py.

Callback data: `wh:d|t|s:<request>:<department>[:<share>:<days>]` choose, change, send for a request;
`wh:i:<item>` start for a meeting item, `wh:id|it|is:<item>:<department>[...]` as for a request;
`wh:q:<request>` start for a request from its card on /board (as /whistle CODE);
`wh:a|r|b:<referral>` the department accepts, answers, hands back; `wh:k:<referral>` hands back
without a reason (the Skip of the reason's step)."""

from __future__ import annotations

from bot.i18n import join_list, t, tn, tp
from bot.services.referrals import Decided, Forwarded, WhistleChoice
from bot.views.callbacks import ID, Callback, Int
from bot.views.labels import value_label
from bot.views.message import Button, Keyboard
from bot.views.places.lists import label

from .referral_state import subject, when_text

SHARE, DAYS = Int(0, 3), Int(1, 14)  # share: 1 the address, 2 the phone; the reply deadline in days
WH_DEPT = Callback("wh", "d", ID, ID)  # wh:d:<request>:<department>
WH_SET = Callback("wh", "t", ID, ID, SHARE, DAYS)  # the confirmation, with a choice changed
WH_SEND = Callback("wh", "s", ID, ID, SHARE, DAYS)
WH_ITEM = Callback("wh", "i", ID)  # wh:i:<meeting item>: choose its department
WH_IDEPT = Callback("wh", "id", ID, ID)
WH_ISET = Callback("wh", "it", ID, ID, SHARE, DAYS)
WH_ISEND = Callback("wh", "is", ID, ID, SHARE, DAYS)
WH_ACCEPT = Callback("wh", "a", ID)  # wh:a:<referral>
WH_ANSWER = Callback("wh", "r", ID)
WH_BACK = Callback("wh", "b", ID)
WH_SKIP = Callback("wh", "k", ID)  # wh:k:<referral>: hand back, giving no reason
WH_REQUEST = Callback("wh", "q", ID)  # wh:q:<request>: the request card's 🏛 button
CHOOSING = (WH_DEPT, WH_SET, WH_IDEPT, WH_ISET)  # a department chosen, or a choice changed
DEFAULT_DAYS = 3
DAY_CHOICES = (1, 3, 7)


def usage(lang: str) -> str:
    return t(lang, "referrals.usage")


def flags_text(lang: str, flags: tuple[str, ...]) -> str:
    return join_list(lang, [value_label(lang, "flag", f) for f in flags]) or "—"


def _subject_lines(lang: str, c: WhistleChoice) -> str:
    if c.item:
        return t(
            lang,
            "referrals.item",
            code=subject(lang, c.code, True),
            flags=flags_text(lang, c.flags),
            grid=c.grid,
            summary=c.summary or "—",
        )
    return t(
        lang,
        "referrals.request",
        code=c.code,
        category=value_label(lang, "category", c.category),
        grid=c.grid,
        summary=c.summary,
    )


def choose_department(lang: str, c: WhistleChoice) -> tuple[str, Keyboard]:
    dept = WH_IDEPT if c.item else WH_DEPT
    buttons = [
        [Button(("📵 " if offline else "🏛 ") + label(name), data=dept.data(c.request_id, dep))]
        for dep, name, offline in c.departments
    ]
    return _subject_lines(lang, c) + "\n\n" + t(lang, "referrals.choose_department"), buttons


def confirm(lang: str, c: WhistleChoice, department_id: int, share: int, days: int) -> tuple[str, Keyboard]:
    """What goes to the department, said plainly, with the toggles, the deadline and Send."""
    name = next((n for d, n, _ in c.departments if d == department_id), "")
    address, phone = bool(share & 1) and c.has_address, bool(share & 2) and c.has_phone
    shared = [tp(lang, "referrals.shared.item" if c.item else "referrals.shared.request")]
    if address:
        shared.append(tp(lang, "referrals.shared.address"))
    if phone:
        shared.append(tp(lang, "referrals.shared.phone"))
    text = "\n".join(
        [
            _subject_lines(lang, c),
            "",
            tn(lang, "referrals.confirm", days, department=name),
            t(lang, "referrals.shares", what="、".join(shared) if lang == "zh-CN" else ", ".join(shared)),
            t(lang, "referrals.never_names" if c.item else "referrals.never_name"),
        ]
    )
    change, send = (WH_ISET, WH_ISEND) if c.item else (WH_SET, WH_SEND)
    rid, did = c.request_id, department_id
    toggles = []
    if c.has_address:
        key = "referrals.toggle.address_on" if address else "referrals.toggle.address_off"
        toggles.append(Button(tp(lang, key), data=change.data(rid, did, share ^ 1, days)))
    if c.has_phone:
        key = "referrals.toggle.phone_on" if phone else "referrals.toggle.phone_off"
        toggles.append(Button(tp(lang, key), data=change.data(rid, did, share ^ 2, days)))
    day_row = [
        Button(("✅ " if d == days else "") + tn(lang, "referrals.days", d), data=change.data(rid, did, share, d))
        for d in DAY_CHOICES
    ]
    go = [Button(tp(lang, "referrals.send"), data=send.data(rid, did, share, days))]
    return text, [row for row in (toggles, day_row, go) if row]


def sent(lang: str, f: Forwarded) -> str:
    key = "referrals.sent_offline" if f.offline else "referrals.sent_item" if f.item else "referrals.sent"
    return t(
        lang,
        key,
        code=subject(lang, f.code, f.item),
        department=f.department,
        due=when_text(f.due_at, f.timezone, lang),
    )


def decided(lang: str, d: Decided) -> str:
    key = f"referrals.done.{d.kind}" + (".item" if d.item and d.kind == "answered" else "")
    return t(lang, key, code=subject(lang, d.code, d.item), department=d.department)


def answer_buttons(lang: str, referral_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "referrals.button.answer"), data=WH_ANSWER.data(referral_id)),
            Button(tp(lang, "referrals.button.back"), data=WH_BACK.data(referral_id)),
        ]
    ]


def ask_reason(lang: str, code: str, item: bool, referral_id: int) -> tuple[str, Keyboard]:
    """The hand-back's optional reason: typed, or Skip."""
    text = t(lang, "referrals.ask_reason", code=subject(lang, code, item))
    return text, [[Button(tp(lang, "referrals.button.skip_reason"), data=WH_SKIP.data(referral_id))]]


def ask_answer(lang: str, code: str, item: bool) -> str:
    return t(lang, "referrals.ask_answer.item" if item else "referrals.ask_answer", code=subject(lang, code, item))


def answer_cancelled(lang: str) -> str:
    return t(lang, "referrals.answer_cancelled")


def text_only(lang: str) -> str:
    return t(lang, "referrals.text_only")
