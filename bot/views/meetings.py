"""The weekly meeting's list (民情速办): an item's card with its buttons, the pickers (owner, follow-up
date), the end of the walk, and the notices (the owner told; the volunteer asked to tell the household).

Callback data: `meet:next:<after id>` the next open item (0: from the start), `meet:show:<id>` the item
as it is now, `meet:owners:<id>` / `meet:owner:<id>:<person>` pick and set its owner, `meet:dates:<id>` /
`meet:date:<id>:<days>` its follow-up date, `meet:decide:<id>` type the decision, `meet:close:<id>`,
and `meet:told:<id>` the volunteer's "I told them"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton

from bot.i18n import join_list, t, tn, tp
from bot.services.digests import DigestFigures
from bot.services.meetings import FOLLOW_UP_DAYS, ItemOwned, MeetingItem, OwnerChoice, TellHousehold, Told, Walk
from storage.enums import OPEN_REFERRAL_STATUSES, IssueStatus

from . import referrals as whistle  # its codec by the module, so it keeps its home's name
from .callbacks import ID, Callback, Int, One
from .labels import value_label
from .message import Button, Keyboard, OutMessage
from .namesakes import told_apart
from .referral_state import state_lines
from .render import renders

NEXT = Callback("meet", "next", Int(0))
SHOW = Callback("meet", "show", ID)
OWNERS = Callback("meet", "owners", ID)
OWNER = Callback("meet", "owner", ID, ID)
DATES = Callback("meet", "dates", ID)
DATE = Callback("meet", "date", ID, One(*(str(d) for d in FOLLOW_UP_DAYS)))
DECIDE = Callback("meet", "decide", ID)
CLOSE = Callback("meet", "close", ID)
TOLD = Callback("meet", "told", ID)

NOTE_SHOWN = 300


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def day_text(lang: str, day: date) -> str:
    """`12月10日周四` / `Thu, Dec 10`."""
    return format_skeleton("MMMEd", day, locale="zh_CN" if lang == "zh-CN" else "en")


def flags_text(lang: str, flags: Sequence[str]) -> str:
    return join_list(lang, [value_label(lang, "flag", f) for f in flags]) or "—"


def status_text(lang: str, status: str) -> str:
    return value_label(lang, "issue", status)


def item_lines(lang: str, item: MeetingItem) -> str:
    """What the item is and where it stands (for the grid's leaders: with the address)."""
    lines = [
        t(
            lang,
            "meeting.card.household",
            id=item.id,
            address=item.address,
            members=item.members or "—",
            grid=item.grid,
        ),
        t(
            lang,
            "meeting.card.found",
            week=item.week,
            volunteer=item.found_by or "—",
            flags=flags_text(lang, item.flags),
        ),
        t(lang, "meeting.card.note", note=_short(item.note, NOTE_SHOWN) if item.note else "—"),
    ]
    if item.request_id:
        lines.append(t(lang, "meeting.card.request", id=item.request_id))
    lines += [
        t(lang, "meeting.card.status", status=status_text(lang, item.status)),
        t(lang, "meeting.card.owner", owner=item.owner or "—"),
        t(lang, "meeting.card.decision", decision=item.decision or "—"),
        t(lang, "meeting.card.follow_up", day=day_text(lang, item.follow_up) if item.follow_up else "—"),
    ]
    if item.referral is not None:
        lines += state_lines(lang, item.referral)
    if item.status == IssueStatus.closed.value:
        lines.append(t(lang, "meeting.card.told_yes" if item.told_at else "meeting.card.told_not_yet"))
    return "\n".join(lines)


def _forwardable(w: Walk, item: MeetingItem) -> bool:
    """An admin may forward an open item to a department (吹哨) unless one has it now."""
    busy = item.referral is not None and item.referral.status in {st.value for st in OPEN_REFERRAL_STATUSES}
    return w.admin and item.status != IssueStatus.closed.value and not busy


def card(lang: str, w: Walk) -> tuple[str, Keyboard]:
    """One step of the meeting: the item and what can be done to it, or the end of the list."""
    item = w.item
    if item is None:
        if not w.open_total:
            return t(lang, "meeting.none_open"), []
        text = tn(lang, "meeting.end", w.open_total)
        return text, [[Button(tp(lang, "meeting.button.from_start"), data=NEXT.data(0))]]
    if item.status == IssueStatus.closed.value:
        head = t(lang, "meeting.card.head_closed")
    else:
        head = t(lang, "meeting.card.head", n=w.position, total=w.open_total)
    text = head + "\n\n" + item_lines(lang, item)
    nav = [Button(tp(lang, "meeting.button.next"), data=NEXT.data(item.id))]
    if item.status == IssueStatus.closed.value:
        return text, [nav]
    rows = [
        [
            Button(tp(lang, "meeting.button.owner"), data=OWNERS.data(item.id)),
            Button(tp(lang, "meeting.button.decide"), data=DECIDE.data(item.id)),
        ],
        [
            Button(tp(lang, "meeting.button.follow_up"), data=DATES.data(item.id)),
            Button(tp(lang, "meeting.button.close"), data=CLOSE.data(item.id)),
        ],
    ]
    if _forwardable(w, item):
        rows.append([Button(tp(lang, "referrals.button.forward_item"), data=whistle.WH_ITEM.data(item.id))])
    return text, [*rows, nav]


def owner_picker(lang: str, item: MeetingItem, choices: Sequence[OwnerChoice]) -> tuple[str, Keyboard]:
    rows: Keyboard = []
    for c in choices:
        mark = "meeting.owner.paired" if c.paired else "meeting.owner.leader" if c.leader else "meeting.owner.plain"
        button = Button(tp(lang, mark, name=told_apart(lang, c.name, c.hint)), data=OWNER.data(item.id, c.person_id))
        if rows and len(rows[-1]) < 2:
            rows[-1].append(button)
        else:
            rows.append([button])
    rows.append([Button(tp(lang, "meeting.button.back"), data=SHOW.data(item.id))])
    return t(lang, "meeting.ask_owner", id=item.id, address=item.address), rows


def date_picker(lang: str, item: MeetingItem) -> tuple[str, Keyboard]:
    buttons = [Button(tp(lang, f"meeting.in_days.{d}"), data=DATE.data(item.id, str(d))) for d in FOLLOW_UP_DAYS]
    rows = [buttons[:2], buttons[2:], [Button(tp(lang, "meeting.button.back"), data=SHOW.data(item.id))]]
    return t(lang, "meeting.ask_follow_up", id=item.id, address=item.address), rows


def ask_decision(lang: str, item: MeetingItem, max_len: int) -> str:
    return t(lang, "meeting.ask_decision", id=item.id, address=item.address, max=max_len)


def told(lang: str, done: Told) -> str:
    return t(lang, "meeting.told", id=done.item_id, address=done.address)


def open_issues(lang: str, f: DigestFigures, *, community: bool = False) -> str:
    """The digest's first section: the meeting's open problems (the first few), then how to walk them."""
    lines = [tn(lang, "meeting.digest.head", f.issues_open)]
    for i in f.issues:
        line = t(
            lang,
            "meeting.digest.line",
            id=i.id,
            where=(f"{i.grid} · " if community else ""),
            household=i.household_id,
            flags=flags_text(lang, i.flags),
            status=status_text(lang, i.status),
            owner=i.owner or "—",
            day=day_text(lang, i.follow_up) if i.follow_up else "—",
        )
        lines.append(line)
    if f.issues_open > len(f.issues):
        lines.append(tn(lang, "meeting.digest.more", f.issues_open - len(f.issues)))
    lines.append(t(lang, "meeting.digest.walk"))
    return "\n".join(lines)


@renders(TellHousehold)
def tell_household(n: TellHousehold, lang: str) -> OutMessage:
    text = t(
        lang,
        "meeting.tell_department" if n.department else "meeting.tell",
        department=n.department,
        id=n.item_id,
        address=n.address,
        members=n.members or "—",
        flags=flags_text(lang, n.flags),
        note=_short(n.note, NOTE_SHOWN) if n.note else "—",
        decision=n.decision,
    )
    return OutMessage(
        chat_id=n.chat_id, text=text, buttons=[[Button(tp(lang, "meeting.button.told"), data=TOLD.data(n.item_id))]]
    )


@renders(ItemOwned)
def item_owned(n: ItemOwned, lang: str) -> OutMessage:
    text = t(
        lang,
        "meeting.owned",
        id=n.item_id,
        address=n.address,
        flags=flags_text(lang, n.flags),
        note=_short(n.note, NOTE_SHOWN) if n.note else "—",
        by=n.by or "—",
    )
    return OutMessage(chat_id=n.chat_id, text=text)
