"""派单: the grid leader's board, a request's detail with its actions, the volunteer pickers, and
what volunteers and residents hear of a leader's decisions."""

from __future__ import annotations

from bot.i18n import join_list, t, tn, tp
from bot.services.requests import (
    REFERRALS,
    Board,
    BoardItem,
    ClosedToResident,
    ClosedToVolunteer,
    LeaderView,
    Reassigned,
    ReleasedToLeader,
    UnitHolding,
    VolunteerLoad,
)
from storage.enums import OPEN_REFERRAL_STATUSES, RequestStatus, WhenKind
from storage.models import HelpRequest, Person

from .. import referrals as whistle  # its codec by the module, so it keeps its home's name
from ..callbacks import Callback
from ..message import Button, Keyboard, OutMessage
from ..namesakes import names_told_apart
from ..referral_state import state_lines, status_text
from ..render import renders
from .callbacks import (
    BOARD_CLOSE,
    BOARD_CONFIRM,
    BOARD_DUPLICATE,
    BOARD_DUPLICATE_OF,
    BOARD_OUT_OF_SCOPE,
    BOARD_PICK,
    BOARD_REASSIGN,
    BOARD_REASSIGN_FROM,
    BOARD_REASSIGN_UNIT,
    BOARD_REASSIGN_UNIT_TO,
    BOARD_REFERRAL,
    BOARD_UNIT_BACK,
)
from .labels import REFERRAL_KEYS, assignment_label, category_label, short, status_label, when_label
from .ratings import open_button

OPEN, FILLED, DONE = RequestStatus.open.value, RequestStatus.filled.value, RequestStatus.done_reported.value
OPEN_REFERRALS = {st.value for st in OPEN_REFERRAL_STATUSES}
RESIDENT_KEYS = {
    RequestStatus.closed.value: "board.closed.to_resident",
    RequestStatus.out_of_scope.value: "board.out_of_scope.to_resident",
    RequestStatus.duplicate.value: "board.duplicate.to_resident",
}


def item_line(lang: str, item: BoardItem, this_year: int) -> str:
    r = item.request
    line = t(
        lang,
        "board.item",
        urgent="🔴 " if r.when_kind == WhenKind.urgent.value else "",
        code=r.code or "",
        category=category_label(lang, r.category),
        when=when_label(lang, r.when_kind, r.when_date, this_year),
        taken=r.slots_taken,
        slots=r.slots,
        status=status_label(lang, r.status),
        names=join_list(lang, item.takers + [unit_name(lang, u) for u in item.units]) or "—",
    )
    if item.referral is not None:  # 吹哨: with which department, and how it stands
        line += " " + t(
            lang, "referrals.board_mark", department=item.referral.department, status=status_text(lang, item.referral)
        )
    return line


def unit_name(lang: str, u: UnitHolding) -> str:
    """🏢 the unit (its members on it)."""
    members = [name for name, _ in u.members]
    return tp(
        lang,
        "board.unit_name",
        unit=u.unit,
        members=join_list(lang, members) if members else tp(lang, "units.nobody_on_it"),
    )


def board_lines(lang: str, b: Board) -> tuple[list[str], Keyboard]:
    """One grid's board: its requests, each volunteer's load, a button a request."""
    lines = [tn(lang, "board.head", len(b.items), grid=b.grid.name)]
    lines += [item_line(lang, i, b.this_year) for i in b.items] or [t(lang, "board.empty")]
    busiest = sorted(b.volunteers, key=lambda v: -v.open_tasks)[:40]
    loads = ", ".join(
        tp(lang, "board.load_item", name=short(v.person.name or "?", 12), n=v.open_tasks) for v in busiest
    ) + (" …" if len(b.volunteers) > len(busiest) else "")
    lines.append(t(lang, "board.loads", max=b.max_load, loads=loads or "—"))
    return lines, [[open_button(lang, i.request.id or 0, i.request.code or "")] for i in b.items]


def detail(lang: str, v: LeaderView) -> tuple[str, Keyboard]:
    r, rid = v.request, v.request.id or 0
    lines = [
        t(
            lang,
            "board.detail.head",
            code=r.code or "",
            category=category_label(lang, r.category),
            status=status_label(lang, r.status),
        ),
        t(lang, "task.details.summary", summary=r.summary),
        t(lang, "task.details.when", when=when_label(lang, r.when_kind, r.when_date, v.this_year)),
    ]
    if r.address:
        lines.append(t(lang, "task.details.address", address=r.address))
    if r.phone:
        lines.append(t(lang, "task.details.phone", phone=r.phone))
    lines.append(t(lang, "task.details.team", taken=r.slots_taken, slots=r.slots))
    for p, status in v.holders:
        lines.append(t(lang, "board.detail.holder", name=p.name or "?", status=assignment_label(lang, status)))
    for u in v.units:
        members = [tp(lang, "board.unit_member", name=n, status=assignment_label(lang, st)) for n, st in u.members]
        lines.append(
            t(
                lang,
                "board.detail.unit",
                unit=u.unit,
                members=join_list(lang, members) if members else tp(lang, "units.nobody_on_it"),
            )
        )
    if v.duplicate_of is not None:
        lines.append(t(lang, "board.detail.maybe_duplicate", other=v.duplicate_of.code or ""))
    if r.escalation_level:
        lines.append(t(lang, "board.detail.escalated"))
    if v.referral is not None:
        lines += state_lines(lang, v.referral)
    rows: Keyboard = []
    if r.status == OPEN:
        rows.append([Button(tp(lang, "request.card.dispatch_button"), data=BOARD_PICK.data(rid))])
    if r.status in (OPEN, FILLED) and (any(s in ("accepted", "started") for _, s in v.holders) or v.units):
        rows.append([Button(tp(lang, "board.reassign_button"), data=BOARD_REASSIGN.data(rid))])
    if r.status == DONE:
        rows.append([Button(tp(lang, "rating.leader_confirm.button"), data=BOARD_CONFIRM.data(rid))])
    if r.status in (OPEN, FILLED):
        rows.append(
            [
                Button(tp(lang, "board.oos_button"), data=BOARD_OUT_OF_SCOPE.data(rid)),
                Button(tp(lang, "board.dup_button"), data=BOARD_DUPLICATE.data(rid)),
            ]
        )
    if r.status in (OPEN, FILLED, DONE):
        rows.append([Button(tp(lang, "board.close_button"), data=BOARD_CLOSE.data(rid))])
    with_department = v.referral is not None and v.referral.status in OPEN_REFERRALS
    if v.admin and r.status in (OPEN, FILLED) and not with_department:  # 吹哨 is the admins'
        rows.append([Button(tp(lang, "referrals.button.forward_request"), data=whistle.WH_REQUEST.data(rid))])
    return "\n".join(lines), rows


def volunteer_rows(lang: str, loads: list[VolunteerLoad], kind: Callback, *ids: int) -> Keyboard:
    """A button a volunteer (skills that fit first); its press is `kind` with `ids` and their person id."""
    names = names_told_apart(lang, (v.person for v in loads[:30]), short)
    return [
        [
            Button(
                tp(lang, "board.pick_item", fit="✓ " if v.fits else "", name=names[v.person.id], n=v.open_tasks),
                data=kind.data(*ids, v.person.id),
            )
        ]
        for v in loads[:30]
        if v.person.id is not None
    ]


def holder_rows(lang: str, request_id: int, people: list[Person], units: list[UnitHolding]) -> Keyboard:
    """Reassign: whose slot moves (a volunteer's, or a unit's claim whole)."""
    names = names_told_apart(lang, people, short)
    rows = [[Button(names[p.id], data=BOARD_REASSIGN_FROM.data(request_id, p.id))] for p in people if p.id is not None]
    return rows + [
        [Button(short(unit_name(lang, u), 40), data=BOARD_REASSIGN_UNIT.data(request_id, u.claim_id))] for u in units
    ]


def unit_rows(lang: str, loads: list[VolunteerLoad], request_id: int, claim_id: int) -> Keyboard:
    """A unit's slot: to one of the grid's volunteers, or back to the board."""
    back = [Button(tp(lang, "board.unit_back_button"), data=BOARD_UNIT_BACK.data(request_id, claim_id))]
    return volunteer_rows(lang, loads, BOARD_REASSIGN_UNIT_TO, request_id, claim_id) + [back]


def referral_rows(lang: str, request_id: int) -> Keyboard:
    return [[Button(tp(lang, REFERRAL_KEYS[name]), data=BOARD_REFERRAL.data(request_id, name))] for name in REFERRALS]


def duplicate_rows(lang: str, req: HelpRequest, others: list[HelpRequest]) -> Keyboard:
    return [
        [
            Button(
                tp(lang, "board.dup_item", code=o.code or "", summary=short(o.summary, 24)),
                data=BOARD_DUPLICATE_OF.data(req.id, o.id),
            )
        ]
        for o in others
    ]


@renders(ReleasedToLeader)
def released_to_leader(n: ReleasedToLeader, lang: str) -> OutMessage:
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "board.released.to_leader", code=n.code, name=n.volunteer_name, reason=n.reason),
        buttons=[[open_button(lang, n.request_id, n.code)]],
    )


@renders(Reassigned)
def reassigned(n: Reassigned, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "board.reassigned.to_old", code=n.code))


@renders(ClosedToVolunteer)
def closed_to_volunteer(n: ClosedToVolunteer, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "board.closed.to_volunteer", code=n.code))


@renders(ClosedToResident)
def closed_to_resident(n: ClosedToResident, lang: str) -> OutMessage:
    referral = tp(lang, REFERRAL_KEYS.get(n.referral or "", "board.referral.other"))
    return OutMessage(
        chat_id=n.chat_id,
        text=t(
            lang,
            RESIDENT_KEYS.get(n.status, "board.closed.to_resident"),
            code=n.code,
            reason=n.reason,
            referral=referral,
            other=n.other_code,
        ),
    )
