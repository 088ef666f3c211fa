"""Paired work units (包联单位): /newunit and /units for admins, the unit step of the sign-up and of
/profile, /unit for a unit's contact; their texts, buttons and callback codecs."""

from __future__ import annotations

from bot.i18n import join_list, t, tn, tp
from bot.services.requests import (
    UnitClaimed,
    UnitClaimEnded,
    UnitClaimTakenBack,
    UnitClaimView,
    UnitClaimWaiting,
    UnitMemberLeft,
)
from bot.services.units import ReportAsked, UnitContactNamed, UnitRoster, UnitSummary
from bot.views.callbacks import ID, Callback, Int
from bot.views.labels import value_label
from bot.views.message import Button, Keyboard, OutMessage
from bot.views.namesakes import told_apart
from bot.views.places.lists import choice_buttons
from bot.views.render import renders
from storage.models import Unit

from .people.callbacks import PF_NO_UNIT, PF_UNIT, PF_UNITS, SU_NO_UNIT, SU_UNIT
from .people.labels import status_text, ticked

# the unit's contact puts a member on the unit's task (claim, person)
UNIT_ASSIGN = Callback("unit", "as", ID, ID)
# the unit's contact gives the unit's task back (claim): asks a reason, as a volunteer's Give back does
UNIT_RELEASE = Callback("unit", "rel", ID)
# /unit: the unit's task as it is now (claim)
UNIT_SHOW = Callback("unit", "show", ID)
# an admin pairs a unit with one of their communities (1) or unpairs it (0): the value it is to get
UNIT_PAIR = Callback("unit", "pair", ID, ID, Int(0, 1))
# /unit: the contact asks for the unit's report now (unit): last month's (0) or this month's so far (1)
UNIT_REPORT = Callback("unit", "rep", ID, Int(0, 1))


def unit_text(lang: str, name: str | None) -> str:
    return name if name else tp(lang, "units.none")


def card_line(lang: str, unit: str | None) -> str:
    """The unit line of a volunteer's card (sign-up summary, profile, the leaders' card)."""
    return t(lang, "units.card_line", unit=unit_text(lang, unit))


def unit_buttons(lang: str, units: list[Unit], current: int | None = None, *, profile: bool = False) -> Keyboard:
    """The units a volunteer may choose (paired with their community), then "no unit"."""
    press, none = (PF_UNIT, PF_NO_UNIT) if profile else (SU_UNIT, SU_NO_UNIT)
    items = [(ticked(u.id == current, u.name) if profile else u.name, press.data(u.id)) for u in units]
    none_label = tp(lang, "units.no_unit_button")
    extra = [[Button(ticked(current is None, none_label) if profile else none_label, data=none.data())]]
    return choice_buttons(items, lang, columns=1, extra=extra)


def profile_button(lang: str, unit: str | None) -> Button:
    return Button(tp(lang, "units.profile_button", unit=unit_text(lang, unit)), data=PF_UNITS.data())


# ------------------------------------------------------------------ admins
def summary(lang: str, u: UnitSummary) -> tuple[str, Keyboard]:
    """A unit with its contact, members and paired communities; a toggle per community of the admin."""
    paired = [name for _, name, on in u.communities if on]
    head = "units.created" if u.created else "units.summary"
    text = t(
        lang,
        head,
        name=u.name,
        contact=u.contact or tp(lang, "units.none"),
        communities=join_list(lang, paired) if paired else tp(lang, "units.none"),
        n=u.members,
    )
    if not paired:
        text += "\n" + t(lang, "units.pair_hint")
    rows = [
        [Button(ticked(on, name), data=UNIT_PAIR.data(u.id, cid, 0 if on else 1))] for cid, name, on in u.communities
    ]
    return text, rows


# ------------------------------------------------------------------ the contact's /unit
def roster(lang: str, r: UnitRoster) -> tuple[str, Keyboard]:
    """The unit's members with their open tasks, then its live claims, a button each (to put members
    on it or give it back)."""
    reports = [
        Button(tp(lang, "units.report_last_button"), data=UNIT_REPORT.data(r.unit_id, 0)),
        Button(tp(lang, "units.report_this_button"), data=UNIT_REPORT.data(r.unit_id, 1)),
    ]
    return roster_text(lang, r), [
        *([Button(tp(lang, "units.show_button", code=c.code), data=UNIT_SHOW.data(c.claim_id))] for c in r.claims),
        reports,
    ]


def report_asked(lang: str, a: ReportAsked) -> str:
    """The answer to 📋: the report is on its way (it comes as the monthly one does)."""
    return tp(lang, "units.report_asked_so_far" if a.so_far else "units.report_asked", unit=a.unit, month=a.month)


def roster_text(lang: str, r: UnitRoster) -> str:
    lines = [t(lang, "units.roster_header", name=r.name, n=len(r.members))]
    for m in r.members:
        lines.append(t(lang, "units.roster_member", name=m.name, grid=m.grid, status=status_text(lang, m.status)))
        for task in m.tasks:
            lines.append(
                t(
                    lang,
                    "units.roster_task",
                    code=task.code,
                    category=value_label(lang, "category", task.category),
                    grid=task.grid,
                    state=value_label(lang, "assignment", task.status),
                )
            )
        if not m.tasks:
            lines.append(t(lang, "units.roster_no_task"))
    if not r.members:
        lines.append(t(lang, "units.roster_empty"))
    if r.claims:
        lines.append(t(lang, "units.roster_claims"))
    for c in r.claims:
        lines.append(
            t(
                lang,
                "units.roster_claim",
                code=c.code,
                category=value_label(lang, "category", c.category),
                members=join_list(lang, c.members) if c.members else tp(lang, "units.nobody_on_it"),
            )
        )
    lines.append(t(lang, "units.roster_reports"))  # last: it tells what the last row of buttons does
    return "\n".join(lines)


@renders(UnitContactNamed)
def contact_named(n: UnitContactNamed, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "units.you_are_contact", unit=n.unit))


# ------------------------------------------------------------------ a unit's claim
def claim_text(lang: str, c: UnitClaimView) -> str:
    """The unit's task for its contact: what it is (no address), who of the unit is on it."""
    on = [m.name for m in c.members if m.on_it]
    text = t(
        lang,
        "units.claim_head",
        unit=c.unit,
        code=c.code,
        category=value_label(lang, "category", c.category),
        summary=c.summary,
        members=join_list(lang, on) if on else tp(lang, "units.none"),
    )
    if not c.live:
        return text + "\n" + t(lang, "units.claim_over")
    if not c.members:
        return text + "\n" + t(lang, "units.claim_no_members")
    return text + "\n" + t(lang, "units.claim_choose")


def claim_buttons(c: UnitClaimView, lang: str) -> Keyboard:
    """A button per member (ticked: on it), then Give back; none once the claim is over."""
    if not c.live:
        return []
    rows = [
        [Button(ticked(m.on_it, told_apart(lang, m.name, m.hint)), data=UNIT_ASSIGN.data(c.claim_id, m.person_id))]
        for m in c.members
    ]
    return rows + [[Button(tp(lang, "units.release_button"), data=UNIT_RELEASE.data(c.claim_id))]]


@renders(UnitClaimed)
def unit_claimed(n: UnitClaimed, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=claim_text(lang, n.claim), buttons=claim_buttons(n.claim, lang))


@renders(UnitMemberLeft)
def member_left(n: UnitMemberLeft, lang: str) -> OutMessage:
    head = t(lang, "units.member_left", member=n.member, code=n.claim.code, unit=n.claim.unit, reason=n.reason)
    if not any(m.on_it for m in n.claim.members):
        head += "\n" + t(lang, "units.member_left_nobody")
    text = head + "\n\n" + claim_text(lang, n.claim)
    return OutMessage(chat_id=n.chat_id, text=text, buttons=claim_buttons(n.claim, lang))


@renders(UnitClaimWaiting)
def claim_waiting(n: UnitClaimWaiting, lang: str) -> OutMessage:
    head = tn(lang, "units.claim_waiting", n.hours, code=n.claim.code, unit=n.claim.unit)
    text = head + "\n\n" + claim_text(lang, n.claim)
    return OutMessage(chat_id=n.chat_id, text=text, buttons=claim_buttons(n.claim, lang))


@renders(UnitClaimEnded)
def claim_ended(n: UnitClaimEnded, lang: str) -> OutMessage:
    key = "units.taken_back_to_member" if n.by_leader else "units.released_to_member"
    return OutMessage(chat_id=n.chat_id, text=t(lang, key, code=n.code, unit=n.unit))


@renders(UnitClaimTakenBack)
def claim_taken_back(n: UnitClaimTakenBack, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "units.taken_back_to_contact", code=n.code, unit=n.unit))
