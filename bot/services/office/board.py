"""The dashboard's request board: filtered, paged lists and one request with its timeline."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import zone
from bot.services.kernel.roles import row_id
from bot.services.office.dashboard import GridInfo, Scope
from bot.services.requests import ACTIVE, HOLDING, LIVE
from storage.enums import Category, RequestStatus, VolunteerStatus
from storage.models import Assignment, AuditEntry, HelpRequest, Person, Rating, Unit, UnitClaim, VolunteerProfile
from storage.referral_reads import ReferralState, latest_referrals

PAGE_SIZE = 50
ACTIVE_FILTER = "active"  # the statuses still needing someone: open, filled, done_reported
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class BoardFilter:
    status: str | None = None
    category: str | None = None
    grid_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def parse_date(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _DATE.match(raw):
        raise InvalidInput("dash.error.bad_date")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("dash.error.bad_date") from None


def parse_grid(raw: str | None, scope: Scope) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput("dash.error.bad_filter")
    return scope.grid(int(raw)).id  # NotFound for a grid outside the viewer's scope


def parse_board_filter(query: Mapping[str, str], scope: Scope) -> BoardFilter:
    """Query-string filters, checked: unknown values are refused, never passed to SQL."""
    status = (query.get("status") or "").strip() or None
    if status and status != ACTIVE_FILTER and status not in RequestStatus.__members__:
        raise InvalidInput("dash.error.bad_filter")
    category = (query.get("category") or "").strip() or None
    if category and category not in Category.__members__:
        raise InvalidInput("dash.error.bad_filter")
    f = BoardFilter(
        status,
        category,
        parse_grid(query.get("grid"), scope),
        parse_date(query.get("from")),
        parse_date(query.get("to")),
    )
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise InvalidInput("dash.error.dates_reversed")
    page = (query.get("page") or "1").strip()
    f.page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    return f


def day_bounds(tz: str, start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """[start 00:00, end+1 00:00) in the community's zone, as UTC for the queries."""
    z = zone(tz)
    lo = datetime.combine(start, time(), tzinfo=z).astimezone(UTC) if start else None
    hi = datetime.combine(end + timedelta(days=1), time(), tzinfo=z).astimezone(UTC) if end else None
    return lo, hi


@dataclass
class BoardRow:
    id: int
    code: str
    grid: str
    category: str
    status: str
    summary: str
    created_at: datetime
    slots: int
    slots_taken: int
    escalation_level: int
    volunteers: list[str] = field(default_factory=list)


@dataclass
class BoardPage:
    rows: list[BoardRow]
    total: int
    page: int
    pages: int


async def list_requests(core: Core, scope: Scope, f: BoardFilter) -> BoardPage:
    R = HelpRequest
    where: list[ColumnElement[bool]] = [col(R.grid_id).in_(scope.pick(f.grid_id)), col(R.erased_at).is_(None)]
    if f.status == ACTIVE_FILTER:
        where.append(col(R.status).in_(ACTIVE))
    elif f.status:
        where.append(col(R.status) == f.status)
    if f.category:
        where.append(col(R.category) == f.category)
    lo, hi = day_bounds(scope.timezone, f.date_from, f.date_to)
    if lo:
        where.append(col(R.created_at) >= lo)
    if hi:
        where.append(col(R.created_at) < hi)
    async with core.db.session() as s:
        total = int(await s.scalar(select(func.count()).select_from(R).where(*where)) or 0)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(f.page, pages)
        reqs = (
            (
                await s.execute(
                    select(R)
                    .where(*where)
                    .order_by(col(R.created_at).desc(), col(R.id).desc())
                    .offset((page - 1) * PAGE_SIZE)
                    .limit(PAGE_SIZE)
                )
            )
            .scalars()
            .all()
        )
        names: dict[int, list[str]] = {}
        if reqs:
            rows = (
                await s.execute(
                    select(col(Assignment.request_id), col(Person.name))
                    .join(Person, col(Person.id) == col(Assignment.volunteer_id))
                    .where(col(Assignment.request_id).in_([r.id for r in reqs]), col(Assignment.status).in_(HOLDING))
                    .order_by(col(Assignment.id))
                )
            ).all()
            for rid, name in rows:
                names.setdefault(rid, []).append(name)
    tz = zone(scope.timezone)
    out = [
        BoardRow(
            stored_id(r.id),
            r.code or f"#{r.id}",
            scope.grid(r.grid_id).name,
            r.category,
            r.status,
            r.summary,
            _aware(r.created_at).astimezone(tz),
            r.slots,
            r.slots_taken,
            r.escalation_level,
            names.get(stored_id(r.id), []),
        )
        for r in reqs
    ]
    return BoardPage(out, total, page, pages)


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


@dataclass
class TimelineEntry:
    at: datetime
    actor: str | None
    action: str
    detail: dict[str, Any]


@dataclass
class Holder:
    person_id: int
    name: str
    status: str
    hours: float | None
    unit: str | None = None  # on it for a paired unit (its claim holds the place: reassigned whole, on /board)


@dataclass
class RequestDetail:
    request: HelpRequest
    grid: GridInfo
    private: bool  # may this viewer see the address and phone?
    resident: str | None
    holders: list[Holder]
    rating: Rating | None
    timeline: list[TimelineEntry]
    candidates: list[tuple[int, str]]  # approved volunteers of the grid not on this request
    created_at: datetime  # in the community's time zone
    referral: ReferralState | None = None  # 吹哨: its latest referral to a department

    @property
    def address(self) -> str | None:
        return self.request.address if self.private else None

    @property
    def phone(self) -> str | None:
        return self.request.phone if self.private else None


async def request_detail(core: Core, scope: Scope, request_id: int) -> RequestDetail:
    """One request the viewer may see; NotFound otherwise (no hint that it exists)."""
    tz = zone(scope.timezone)
    async with core.db.session() as s:
        req = await s.get(HelpRequest, request_id) if row_id(request_id) else None
        if req is None or req.erased_at is not None or req.grid_id not in scope.grid_ids:
            raise NotFound("dash.error.not_found")
        resident = await s.get(Person, req.resident_id) if req.resident_id else None
        rows = (
            await s.execute(
                select(Assignment, col(Person.name), col(Unit.name))
                .join(Person, col(Person.id) == col(Assignment.volunteer_id))
                .outerjoin(UnitClaim, col(UnitClaim.id) == col(Assignment.unit_claim_id))
                .outerjoin(Unit, col(Unit.id) == col(UnitClaim.unit_id))
                .where(col(Assignment.request_id) == req.id)
                .order_by(col(Assignment.id))
            )
        ).all()
        holders = [Holder(a.volunteer_id, name, a.status, a.hours, unit) for a, name, unit in rows]
        rating = (await s.execute(select(Rating).where(col(Rating.request_id) == req.id))).scalars().first()
        audit = (
            await s.execute(
                select(AuditEntry, col(Person.name))
                .outerjoin(Person, col(Person.id) == col(AuditEntry.actor_id))
                .where(col(AuditEntry.entity) == "request", col(AuditEntry.entity_id) == req.id)
                .order_by(col(AuditEntry.at), col(AuditEntry.id))
            )
        ).all()
        timeline = [TimelineEntry(_aware(e.at).astimezone(tz), name, e.action, _detail(e.detail)) for e, name in audit]
        live = {a.volunteer_id for a, _, _ in rows if a.status in LIVE or a.status == "done"}
        cands = (
            await s.execute(
                select(col(Person.id), col(Person.name))
                .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                .where(
                    col(VolunteerProfile.grid_id) == req.grid_id,
                    col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                )
                .order_by(col(Person.name), col(Person.id))
            )
        ).all()
        referral = (await latest_referrals(s, core.clock.now(), requests=[req.id or 0])).get(req.id or 0)
    return RequestDetail(
        req,
        scope.grid(req.grid_id),
        scope.can_see_private(req.grid_id),
        resident.name if resident else None,
        holders,
        rating,
        timeline,
        [(pid, name) for pid, name in cands if pid is not None and pid not in live],
        _aware(req.created_at).astimezone(tz),
        referral,
    )


def _detail(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
