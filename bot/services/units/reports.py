"""双报告: a unit's month — each member's tasks done, hours and confirmed points, and the ratings of
their work — for the unit's contact on the first day of the next month (bot/jobs/unit_reports.py)
and for `redvest report units --month 2026-11`. Hours and points are the ledger's: what residents
confirmed (or leaders confirmed for them), never a volunteer's own report."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.order import natural
from bot.services.kernel.periods import local_midnight, zone
from storage.enums import AssignmentStatus, VolunteerStatus
from storage.models import Assignment, Community, Grid, Person, PointsEntry, Rating, Unit, VolunteerProfile
from storage.rows import key_of

from .facts import MemberMonth, UnitReport
from .notices import UnitReportReady

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> tuple[int, int]:
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        raise InvalidInput("units.bad_month")
    return int(m.group(1)), int(m.group(2))


def previous_month(day: date) -> str:
    return f"{day.year - 1}-12" if day.month == 1 else f"{day.year}-{day.month - 1:02d}"


def month_range(month: str, tz: str) -> tuple[datetime, datetime]:
    """The month in the installation's time zone, as aware times [from, to)."""
    y, mo = parse_month(month)
    z = zone(tz)
    nxt = date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)
    return local_midnight(date(y, mo, 1), z), local_midnight(nxt, z)


async def unit_report(core: Core, unit_id: int, month: str) -> UnitReport:
    """One unit's month. Members: everyone who chose the unit and is approved, waiting or suspended,
    and those who left or were declined since but worked in the month."""
    lo, hi = month_range(month, core.cfg.bot.timezone)
    async with core.db.reading() as s:
        unit = await s.get_one(Unit, unit_id)
        people = (
            await s.execute(
                select(
                    col(Person.id), col(Person.name), col(Community.name), col(Grid.name), col(VolunteerProfile.status)
                )
                .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
                .join(Community, col(Community.id) == col(Grid.community_id))
                .where(col(VolunteerProfile.unit_id) == unit_id)
            )
        ).all()
        ids = [int(p[0] or 0) for p in people]
        ledger = {
            pid: (int(pts or 0), float(hrs or 0))
            for pid, pts, hrs in (
                await s.execute(
                    select(
                        col(PointsEntry.person_id), func.sum(col(PointsEntry.points)), func.sum(col(PointsEntry.hours))
                    )
                    .where(
                        col(PointsEntry.person_id).in_(ids),
                        col(PointsEntry.created_at) >= lo,
                        col(PointsEntry.created_at) < hi,
                    )
                    .group_by(col(PointsEntry.person_id))
                )
            ).all()
        }
        done_in_month = (
            col(Assignment.volunteer_id).in_(ids),
            col(Assignment.status) == AssignmentStatus.done.value,
            col(Assignment.done_at) >= lo,
            col(Assignment.done_at) < hi,
        )
        tasks = dict(
            (
                await s.execute(
                    select(col(Assignment.volunteer_id), func.count())
                    .where(*done_in_month)
                    .group_by(col(Assignment.volunteer_id))
                )
            ).all()
        )
        ratings = {
            vid: (int(n), float(avg) if avg is not None else None)
            for vid, n, avg in (
                await s.execute(
                    select(col(Assignment.volunteer_id), func.count(col(Rating.stars)), func.avg(col(Rating.stars)))
                    .join(Rating, col(Rating.request_id) == col(Assignment.request_id))
                    .where(*done_in_month, col(Rating.stars).is_not(None))
                    .group_by(col(Assignment.volunteer_id))
                )
            ).all()
        }
    members = []
    for pid, name, community, grid, status in people:
        pts, hrs = ledger.get(pid or 0, (0, 0.0))
        done = int(tasks.get(pid or 0, 0))
        rated, stars = ratings.get(pid or 0, (0, None))
        gone = status in (VolunteerStatus.left.value, VolunteerStatus.declined.value)
        if gone and not (pts or hrs or done):
            continue
        members.append(
            MemberMonth(
                name, community, grid, status, done, round(hrs, 1), pts, rated, round(stars, 1) if stars else None
            )
        )
    members = natural(members, lambda m: m.name)
    members.sort(key=lambda m: -m.points)  # stable: the most active first, then by name
    return UnitReport(key_of(unit), unit.name, month, members)


async def unit_reports(core: Core, month: str) -> list[tuple[UnitReport, str | None, int | None]]:
    """Every unit's month, with its contact's language and chat (None: no contact who can be reached)."""
    async with core.db.reading() as s:
        rows = (
            await s.execute(
                select(Unit, Person).outerjoin(Person, col(Person.id) == col(Unit.contact_id)).order_by(col(Unit.id))
            )
        ).all()
    out = []
    for unit, contact in rows:
        reachable = contact is not None and contact.tg_user_id is not None and contact.forgotten_at is None
        out.append(
            (
                await unit_report(core, key_of(unit), month),
                contact.language if contact is not None else None,
                contact.tg_user_id if reachable else None,
            )
        )
    return out


async def send_unit_reports(core: Core, month: str) -> int:
    """Each unit's report to its contact (in the contact's language), once per unit and month: the
    outbox key makes a second run (a restart, `redvest jobs run`) queue nothing new. How many queued."""
    sent = 0
    for report, language, chat in await unit_reports(core, month):
        if chat is None:
            continue
        async with core.db.session() as s:
            notice = UnitReportReady(chat_id=chat, language=language, report=report)
            if await core.notifier.send(s, f"unit-report:{report.unit_id}:{month}", notice):
                sent += 1
    return sent
