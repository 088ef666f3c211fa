"""Care plans (关爱计划) for special households: the leader's /care (plans, households to choose, the
three questions: what, how often, who), the volunteer's task of the day with its "done" button, the
leaders' "missed" alert and the digest's lines.

Callback data: `care:hh:<household>` set up a plan, `care:rule:<household>:<w0..w6|d1..>` how often,
`care:who:<household>:<person or 0>` who (0: the paired volunteer), `care:end:<plan>` (asks whether
to end it: bot/views/care_plans.py, with the rest of a plan's card), `care:done:<task>` (asks for a
short note: bot/views/care_tasks.py), `care:cancel`."""

from __future__ import annotations

from bot.i18n import join_list, t, tn, tp
from bot.services.care import EVERY_DAYS, CareMissed, CarePlanMade, CareTaskDue, MyCare, PlanFact, PlanSetup
from bot.services.digests import DigestFigures

from .callbacks import ID, Callback, Int, One
from .labels import value_label
from .meetings import day_text
from .message import Button, Keyboard, OutMessage
from .namesakes import told_apart
from .render import renders

RULES = tuple(f"w{d}" for d in range(7)) + tuple(f"d{n}" for n in EVERY_DAYS)
HOUSEHOLD = Callback("care", "hh", ID)
RULE = Callback("care", "rule", ID, One(*RULES))
WHO = Callback("care", "who", ID, Int(0))
END = Callback("care", "end", ID)
DONE = Callback("care", "done", ID)
CANCEL = Callback("care", "cancel")


def parse_rule(word: str) -> tuple[int | None, int | None]:
    """(weekday, every_days) of a RULE word."""
    return (int(word[1:]), None) if word.startswith("w") else (None, int(word[1:]))


def rule_text(lang: str, weekday: int | None, every_days: int | None) -> str:
    if weekday is not None:
        return tp(lang, "care.rule.weekly", day=tp(lang, f"care.weekday.{weekday}"))
    if every_days == 1:
        return tp(lang, "care.rule.daily")
    return tp(lang, "care.rule.every", n=every_days or 0)


def short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def care_text(lang: str, flags: str) -> str:
    return join_list(lang, [value_label(lang, "care", f) for f in flags.split(",") if f]) or "—"


def my_care(lang: str, mine: MyCare) -> tuple[str, Keyboard]:
    """A volunteer's /care: the tasks waiting for them (a "done" button each) and the plans they do."""
    lines = [t(lang, "care.mine.head")]
    for d in mine.due:
        lines.append(t(lang, "care.mine.due", what=d.what, address=d.address, day=day_text(lang, d.day)))
    if not mine.due:
        lines.append(t(lang, "care.mine.none_due"))
    for u in mine.upcoming:
        lines.append(t(lang, "care.mine.upcoming", what=u.what, address=u.address, day=day_text(lang, u.day)))
    if mine.plans:
        lines.append(t(lang, "care.mine.plans"))
    for what, address, weekday, every in mine.plans:
        lines.append(t(lang, "care.mine.plan", what=what, address=address, rule=rule_text(lang, weekday, every)))
    if mine.paused:
        lines.append(tn(lang, "care.mine.paused", mine.paused))
    buttons = [
        [
            Button(
                tp(lang, "care.button.done_of", what=short(d.what, 16), day=day_text(lang, d.day)),
                data=DONE.data(d.task_id),
            )
        ]
        for d in mine.due
    ]
    return "\n".join(lines), buttons


def ask_what(lang: str, setup: PlanSetup) -> tuple[str, Keyboard]:
    text = t(
        lang,
        "care.ask.what",
        id=setup.household_id,
        address=setup.address,
        members=setup.members or "—",
        care=care_text(lang, setup.care_flags),
    )
    return text, [[Button(tp(lang, "care.button.cancel"), data=CANCEL.data())]]


def ask_rule(lang: str, household_id: int, what: str) -> tuple[str, Keyboard]:
    days = [Button(tp(lang, f"care.weekday.{d}"), data=RULE.data(household_id, f"w{d}")) for d in range(7)]
    every = [Button(rule_text(lang, None, n), data=RULE.data(household_id, f"d{n}")) for n in EVERY_DAYS]
    rows = [days[:4], days[4:], every, [Button(tp(lang, "care.button.cancel"), data=CANCEL.data())]]
    return t(lang, "care.ask.rule", what=what), rows


def ask_who(lang: str, setup: PlanSetup) -> tuple[str, Keyboard]:
    paired = [v for v in setup.volunteers if v.paired]
    first = (
        tp(lang, "care.who.paired", name=told_apart(lang, paired[0].name, paired[0].hint))
        if paired
        else tp(lang, "care.who.nobody_paired")
    )
    rows: Keyboard = [[Button(first, data=WHO.data(setup.household_id, 0))]]
    others = [
        Button(told_apart(lang, v.name, v.hint), data=WHO.data(setup.household_id, v.person_id))
        for v in setup.volunteers
        if not v.paired
    ]
    rows += [others[i : i + 2] for i in range(0, len(others), 2)]
    rows.append([Button(tp(lang, "care.button.cancel"), data=CANCEL.data())])
    return t(lang, "care.ask.who"), rows


def saved(lang: str, plan: PlanFact) -> str:
    return t(
        lang,
        "care.saved",
        id=plan.id,
        address=plan.address,
        what=plan.what,
        rule=rule_text(lang, plan.rule.weekday, plan.rule.every_days),
        who=plan.volunteer or tp(lang, "care.who.paired_short"),
        next=day_text(lang, plan.next_on) if plan.next_on else "—",
    )


def missed_section(lang: str, f: DigestFigures) -> str:
    """The digest's care plans: the week's occurrences done, and each one missed."""
    lines = [tn(lang, "care.digest.head", f.care_due, done=f.care_done)]
    for m in f.care_missed:
        day = day_text(lang, m.day)
        lines.append(
            t(lang, "care.digest.missed", household=m.household_id, what=m.what, day=day, who=m.volunteer or "—")
        )
    if f.care_missed_total > len(f.care_missed):
        lines.append(tn(lang, "care.digest.more", f.care_missed_total - len(f.care_missed)))
    return "\n".join(lines)


@renders(CareTaskDue)
def task_due(n: CareTaskDue, lang: str) -> OutMessage:
    key = "care.task.unassigned" if n.unassigned else "care.task.due"
    text = t(lang, key, what=n.what, address=n.address, members=n.members or "—", day=day_text(lang, n.day))
    return OutMessage(
        chat_id=n.chat_id, text=text, buttons=[[Button(tp(lang, "care.button.done"), data=DONE.data(n.task_id))]]
    )


@renders(CareMissed)
def missed(n: CareMissed, lang: str) -> OutMessage:
    text = t(
        lang,
        "care.missed",
        what=n.what,
        household=n.household_id,
        address=n.address,
        day=day_text(lang, n.day),
        who=n.volunteer or tp(lang, "care.who.nobody_short"),
    )
    return OutMessage(chat_id=n.chat_id, text=text, silent=False)


@renders(CarePlanMade)
def plan_made(n: CarePlanMade, lang: str) -> OutMessage:
    text = t(
        lang,
        "care.plan_made",
        what=n.what,
        address=n.address,
        rule=rule_text(lang, n.weekday, n.every_days),
        first=day_text(lang, n.first),
        by=n.by or "—",
    )
    return OutMessage(chat_id=n.chat_id, text=text)
