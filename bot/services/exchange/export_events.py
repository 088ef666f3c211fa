"""The events export: a row an event starting in the period (the grids' own events and their
communities' events for everyone), with its capacity, sign-ups and attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.enums import SignupStatus
from storage.models import Event, EventSignup, Grid, Person

from .export_sheet import ExportScope, Row, Several, Term, local


def _where(sc: ExportScope, lo: datetime, hi: datetime) -> list[ColumnElement[bool]]:
    grids = list(sc.grids)
    communities = select(col(Grid.community_id)).where(col(Grid.id).in_(grids))
    return [
        col(Event.starts_at) >= lo,
        col(Event.starts_at) < hi,
        or_(col(Event.grid_id).in_(grids), col(Event.grid_id).is_(None) & col(Event.community_id).in_(communities)),
    ]


async def count_events(core: Core, sc: ExportScope, lo: datetime, hi: datetime) -> int:
    async with core.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(Event).where(*_where(sc, lo, hi))) or 0)


async def event_rows(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    """One batch: a community's events in a period are a few dozen."""
    async with core.db.session() as s:
        events = (
            (await s.execute(select(Event).where(*_where(sc, lo, hi)).order_by(col(Event.starts_at), col(Event.id))))
            .scalars()
            .all()
        )
        people: dict[int, dict[str, list[str]]] = {e.id or 0: {} for e in events}
        if events:
            for event_id, status, name in (
                await s.execute(
                    select(col(EventSignup.event_id), col(EventSignup.status), col(Person.name))
                    .join(Person, col(Person.id) == col(EventSignup.volunteer_id))
                    .where(col(EventSignup.event_id).in_(list(people)))
                    .order_by(col(EventSignup.id))
                )
            ).all():
                people[event_id].setdefault(status, []).append(name)
    out = []
    for e in events:
        by = people[e.id or 0]
        attended, no_show = by.get(SignupStatus.attended.value, []), by.get(SignupStatus.no_show.value, [])
        signed = by.get(SignupStatus.signed.value, []) + attended + no_show  # every sign-up not withdrawn
        out.append(
            [
                local(e.starts_at, sc.timezone),
                e.title,
                Term("event_kind", e.kind),
                e.place,
                sc.grids[e.grid_id] if e.grid_id else Term("area", "community"),
                e.slots,
                len(signed),
                len(attended),
                len(no_show),
                Several(tuple(signed)),
                Several(tuple(attended)),
                e.cancelled,
            ]
        )
    return out, -1
