"""A grid leader's care plans in chat: /care's list (a ⚙️ button a plan, ➕ a household to set one up
for) and one plan's card, where the leader pauses, resumes, changes how often, or ends it (asked
twice: an end is for good). The card shows the last time it was done, by whom, with the volunteer's
note, and how many were done and missed.

Callback data: `care:plan:<plan>` the card, `care:pause:<plan>`, `care:resume:<plan>`,
`care:freq:<plan>` how often (the choices), `care:setrule:<plan>:<w0..w6|d1..>`, `care:end:<plan>`
(asks) and `care:endyes:<plan>` (ends)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t, tp
from bot.services.care import EVERY_DAYS, HouseholdChoice, PlanCard, PlanFact

from .callbacks import ID, Callback, One
from .care import END, HOUSEHOLD, RULES, care_text, rule_text, short
from .meetings import day_text
from .message import Button, Keyboard

PLAN = Callback("care", "plan", ID)
PAUSE = Callback("care", "pause", ID)
RESUME = Callback("care", "resume", ID)
FREQ = Callback("care", "freq", ID)
SET_RULE = Callback("care", "setrule", ID, One(*RULES))
END_YES = Callback("care", "endyes", ID)


def _rule(lang: str, p: PlanFact) -> str:
    text = rule_text(lang, p.rule.weekday, p.rule.every_days)
    return f"{text} · ⏸ {tp(lang, 'care.status.paused')}" if p.paused else text


def plans_list(lang: str, plans: Sequence[PlanFact], households: Sequence[HouseholdChoice]) -> tuple[str, Keyboard]:
    lines = [t(lang, "care.list.head")]
    if not plans:
        lines.append(t(lang, "care.list.none"))
    for p in plans:
        lines.append(
            t(
                lang,
                "care.list.line",
                id=p.id,
                household=p.household_id,
                address=p.address,
                what=p.what,
                rule=_rule(lang, p),
                who=p.volunteer or tp(lang, "care.who.paired_short"),
                next=day_text(lang, p.next_on) if p.next_on else "—",
            )
        )
    lines.append(t(lang, "care.list.add" if households else "care.list.add_none"))
    buttons: Keyboard = [
        [Button(tp(lang, "care.button.plan", id=p.id, what=short(p.what, 20)), data=PLAN.data(p.id))] for p in plans
    ]
    buttons += [
        [Button(tp(lang, "care.button.add", id=h.id, address=short(h.address)), data=HOUSEHOLD.data(h.id))]
        for h in households
    ]
    return "\n".join(lines), buttons


def _status(lang: str, p: PlanFact) -> str:
    return tp(
        lang, "care.status.ended" if not p.active else ("care.status.paused" if p.paused else "care.status.active")
    )


def card(lang: str, c: PlanCard, flash: str | None = None) -> tuple[str, Keyboard]:
    """The plan as it is now, with what the leader can do next; `flash` says what was just done."""
    p = c.plan
    if c.last is None:
        last = tp(lang, "care.card.never")
    elif c.last.note:
        last = tp(lang, "care.card.last_note", day=day_text(lang, c.last.day), who=c.last.by or "—", note=c.last.note)
    else:
        last = tp(lang, "care.card.last", day=day_text(lang, c.last.day), who=c.last.by or "—")
    text = t(
        lang,
        "care.card",
        id=p.id,
        household=p.household_id,
        address=p.address,
        care=care_text(lang, c.care_flags),
        what=p.what,
        rule=rule_text(lang, p.rule.weekday, p.rule.every_days),
        who=p.volunteer or tp(lang, "care.who.paired_short"),
        status=_status(lang, p),
        next=day_text(lang, p.next_on) if p.next_on else "—",
        last=last,
        done=c.done,
        missed=c.missed,
    )
    if flash:
        text = f"{flash}\n\n{text}"
    if not p.active:
        return text, []
    toggle = (
        Button(tp(lang, "care.button.resume"), data=RESUME.data(p.id))
        if p.paused
        else Button(tp(lang, "care.button.pause"), data=PAUSE.data(p.id))
    )
    rows: Keyboard = [
        [toggle, Button(tp(lang, "care.button.freq"), data=FREQ.data(p.id))],
        [Button(tp(lang, "care.button.end_plan"), data=END.data(p.id))],
    ]
    return text, rows


def flash(lang: str, what: str, c: PlanCard) -> str:
    """One line on top of the card: paused, resumed, re-timed."""
    return t(lang, f"care.flash.{what}", rule=rule_text(lang, c.plan.rule.weekday, c.plan.rule.every_days))


def ask_freq(lang: str, c: PlanCard) -> tuple[str, Keyboard]:
    pid = c.plan.id
    days = [Button(tp(lang, f"care.weekday.{d}"), data=SET_RULE.data(pid, f"w{d}")) for d in range(7)]
    every = [Button(rule_text(lang, None, n), data=SET_RULE.data(pid, f"d{n}")) for n in EVERY_DAYS]
    back = [Button(tp(lang, "care.button.back"), data=PLAN.data(pid))]
    now = rule_text(lang, c.plan.rule.weekday, c.plan.rule.every_days)
    return t(lang, "care.ask.freq", id=pid, what=c.plan.what, rule=now), [days[:4], days[4:], every, back]


def ask_end(lang: str, c: PlanCard) -> tuple[str, Keyboard]:
    pid = c.plan.id
    rows: Keyboard = [
        [Button(tp(lang, "care.button.end_yes"), data=END_YES.data(pid))],
        [Button(tp(lang, "care.button.back"), data=PLAN.data(pid))],
    ]
    return t(lang, "care.ask.end", id=pid, what=c.plan.what, address=c.plan.address), rows


def ended(lang: str, c: PlanCard) -> str:
    return t(lang, "care.ended", id=c.plan.id, what=c.plan.what, address=c.plan.address)
