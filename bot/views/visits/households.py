"""/visits (my paired households), a household's details, and the ledger 民情台账 (/ledger)."""

from __future__ import annotations

from collections import Counter

from bot.i18n import t, tn, tp
from bot.services.kernel.ids import stored_id
from bot.services.kernel.periods import aware, zone
from bot.services.visits import HouseholdPage, Ledger, LedgerEntry, MyHouseholds
from storage.models import Household

from ..buildings import BLD_HOUSEHOLD
from ..labels import value_label
from ..message import Button, Keyboard
from .common import INFO, LEDGER, LEDGER_PAGE, LOG, MINE_PAGE, care_labels, flag_labels, outcome_label, short

PER_PAGE = 20  # 20 lines and 60 buttons: a page stays well inside Telegram's 4096 characters and 100 buttons
NOTE_SHOWN = 160
LEDGER_CHARS = 3800  # a ledger message stops before Telegram's 4096


def private_only(lang: str, bot_username: str) -> tuple[str, Keyboard]:
    """In a group: addresses are never shown there; a pointer to the private chat."""
    url = f"https://t.me/{bot_username}"
    return t(lang, "visit.private_only"), [[Button(tp(lang, "visit.button.open_private"), url=url)]]


def private_only_alert(lang: str) -> str:
    return tp(lang, "visit.private_only")


def pages_of(mine: MyHouseholds) -> int:
    return max(1, -(-len(mine.items) // PER_PAGE))


def my_households(lang: str, mine: MyHouseholds, page: int = 0) -> tuple[str, Keyboard]:
    """One page of /visits; `page` past the end (a button from when there were more): the last."""
    if not mine.items:
        return t(lang, "visit.list.none"), []
    pages = pages_of(mine)
    page = min(max(page, 0), pages - 1)
    lines, buttons = [t(lang, "visit.list.header", week=mine.week, count=len(mine.items))], []
    if pages > 1:
        lines.append(t(lang, "visit.list.page", page=page + 1, pages=pages))
    # a building head's households grouped by building (楼栋), a heading each; their paired ones first
    per_building = Counter(item.building for item in mine.items)
    grouped, group = any(per_building.keys() - {""}), None
    for item in mine.items[page * PER_PAGE : (page + 1) * PER_PAGE]:
        hh = item.household
        if grouped and item.building != group:
            group = item.building
            if group:
                lines.append(tn(lang, "buildings.visits_group", per_building[group], building=group))
            else:
                lines.append(tn(lang, "buildings.visits_paired", per_building[group]))
        status = (
            t(lang, "visit.list.logged", outcome=outcome_label(lang, item.visit.outcome))
            if item.visit
            else t(lang, "visit.list.not_logged")
        )
        lines.append(
            t(
                lang,
                "visit.list.line",
                id=hh.id,
                address=short(hh.address, 60),
                members=short(hh.members or "—", 40),
                status=status,
            )
        )
        label = short(hh.members or hh.address, 18)
        buttons.append(
            [
                Button(tp(lang, "visit.button.details", name=label), data=INFO.data(stored_id(hh.id))),
                Button(tp(lang, "visit.button.log"), data=LOG.data(stored_id(hh.id))),
                Button(tp(lang, "visit.button.ledger"), data=LEDGER.data(stored_id(hh.id))),
            ]
        )
    nav = []
    if page > 0:
        nav.append(Button(tp(lang, "visit.button.prev"), data=MINE_PAGE.data(page - 1)))
    if page + 1 < pages:
        nav.append(Button(tp(lang, "visit.button.next"), data=MINE_PAGE.data(page + 1)))
    if nav:
        buttons.append(nav)
    return "\n".join(lines), buttons


def household(
    lang: str, hh: Household, building: str = "", can_move: bool = False, can_log: bool = True
) -> tuple[str, Keyboard]:
    """A household's screen; its building (楼栋) when it has one, and for a leader of a grid with
    buildings a 🏢 button to put it into one. `can_log`: its visitor (a leader who is not: the ledger only)."""
    text = t(
        lang,
        "visit.details",
        id=hh.id,
        address=hh.address,
        members=hh.members or "—",
        count=hh.member_count,
        care=care_labels(lang, hh.care_flags),
        phone=hh.phone or "—",
        note=hh.note or "—",
    )
    if building or can_move:
        text += "\n" + t(lang, "buildings.screen_line", building=building or tp(lang, "buildings.none"))
    log = [Button(tp(lang, "visit.button.log"), data=LOG.data(stored_id(hh.id)))] if can_log else []
    buttons = [[*log, Button(tp(lang, "visit.button.ledger"), data=LEDGER.data(stored_id(hh.id)))]]
    if can_move:
        buttons.append([Button(tp(lang, "buildings.move_button"), data=BLD_HOUSEHOLD.data(stored_id(hh.id)))])
    return text, buttons


def _issue_line(lang: str, e: LedgerEntry, tz: str) -> str:
    """Where the problem it found stands on the meeting's list, and whether the household was told."""
    status = value_label(lang, "issue", e.issue_status or "")
    line = t(
        lang, "meeting.ledger.status", status=status, decision=short(e.decision, NOTE_SHOWN) if e.decision else "—"
    )
    if e.told_at is not None:
        line += "\n" + t(lang, "meeting.ledger.told", date=e.told_at.astimezone(zone(tz)).strftime("%m-%d"))
    return line


def ledger(lang: str, book: Ledger) -> str:
    hh, tz = book.household, book.timezone
    lines = [
        t(
            lang,
            "visit.ledger.header",
            id=hh.id,
            address=hh.address,
            members=hh.members or "—",
            care=care_labels(lang, hh.care_flags),
            total=book.total,
        )
    ]
    if not book.entries:
        lines.append(t(lang, "visit.ledger.empty"))
    for e in book.entries:
        v = e.visit
        flags = flag_labels(lang, v.red_flags)
        line = t(
            lang,
            "visit.ledger.line",
            week=v.week,
            date=aware(v.created_at).astimezone(zone(tz)).strftime("%m-%d"),
            volunteer=e.volunteer_name or "—",
            outcome=outcome_label(lang, v.outcome),
        )
        if flags:
            line += "\n" + t(lang, "visit.ledger.flags", flags=flags)
        if v.note:
            line += "\n" + t(lang, "visit.ledger.note", note=short(v.note, NOTE_SHOWN))
        if v.request_id:
            line += "\n" + t(lang, "visit.ledger.request", id=v.request_id)
        if e.issue_status:
            line += "\n" + _issue_line(lang, e, tz)
        if sum(len(x) for x in lines) + len(line) > LEDGER_CHARS:
            break
        lines.append(line)
    if book.total > len(lines) - 1 and book.entries:
        lines.append(tn(lang, "visit.ledger.older", book.total - (len(lines) - 1)))
    return "\n\n".join(lines)


def ledger_page(lang: str, result: HouseholdPage) -> tuple[str, Keyboard]:
    lines = [t(lang, "visit.ledger.pick", page=result.page + 1, pages=result.pages)]
    buttons: Keyboard = []
    for row in result.rows:
        hh = row.household
        last = row.last_visit.isoformat() if row.last_visit else tp(lang, "visit.ledger.never")
        lines.append(t(lang, "visit.ledger.pick_line", id=hh.id, address=short(hh.address, 50), last=last))
        buttons.append(
            [
                Button(
                    tp(lang, "visit.button.ledger_of", id=hh.id, name=short(hh.members or hh.address, 20)),
                    data=LEDGER.data(stored_id(hh.id)),
                )
            ]
        )
    nav = []
    if result.page > 0:
        nav.append(Button(tp(lang, "visit.button.prev"), data=LEDGER_PAGE.data(result.page - 1)))
    if result.page + 1 < result.pages:
        nav.append(Button(tp(lang, "visit.button.next"), data=LEDGER_PAGE.data(result.page + 1)))
    if nav:
        buttons.append(nav)
    return "\n".join(lines), buttons
