"""Reminders for events (the day before and an hour before, to those signed up) and the
announcement of the monthly red service day (红色服务日) to every approved volunteer."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.fanout import Outgoing, fan_out
from bot.services.kernel.periods import aware, local_midnight, zone
from storage.enums import EventKind, SignupStatus, VolunteerStatus
from storage.models import Community, Event, EventSignup, Grid, Person, VolunteerProfile

from .notices import EventReminder, ServiceDayAnnounced, ServiceDayEvent

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)
MAX_EVENTS_LISTED = 10


async def events_starting(session: AsyncSession, start: datetime, end: datetime) -> list[Event]:
    """Events (not cancelled) starting in [start, end)."""
    return list(
        (
            await session.execute(
                select(Event)
                .where(col(Event.cancelled) == False, col(Event.starts_at) >= start, col(Event.starts_at) < end)  # noqa: E712
                .order_by(col(Event.starts_at), col(Event.id))
            )
        ).scalars()
    )


def stamp(when: datetime) -> str:
    """A compact UTC stamp for keys: a moved event gets its reminders again."""
    return aware(when).strftime("%Y%m%d%H%M")


async def send_event_reminders(core: Core, event_id: int, which: str) -> int:
    """`which` is "day" (24 h before; to those signed up by then) or "hour" (1 h before)."""
    async with core.db.session() as s:
        event = await s.get(Event, event_id)
        if event is None or event.cancelled:
            return 0
        starts = aware(event.starts_at)
        community = await s.get(Community, event.community_id)
        stmt = (
            select(Person)
            .join(EventSignup, col(EventSignup.volunteer_id) == col(Person.id))
            .where(
                col(EventSignup.event_id) == event_id,
                col(EventSignup.status) == SignupStatus.signed.value,
                col(Person.tg_user_id).is_not(None),
                col(Person.blocked_bot) == False,  # noqa: E712
            )
            .order_by(col(Person.id))
        )
        if which == "day":
            stmt = stmt.where(col(EventSignup.created_at) <= starts - DAY_BEFORE)
        people = list((await s.execute(stmt)).scalars())
    tz = community.timezone if community else None
    key = "event-reminder-day" if which == "day" else "event-reminder-hour"
    items = []
    for p in people:
        if p.tg_user_id is None:  # the query reads only people with one
            continue
        msg = EventReminder(
            chat_id=p.tg_user_id,
            language=p.language,
            hour=which != "day",
            title=event.title,
            place=event.place,
            starts_at=starts,
            timezone=tz,
        )
        items.append(Outgoing(f"{key}:{event_id}:{p.id}:{stamp(starts)}", msg))
    return await fan_out(core, items)


async def send_service_day(core: Core, community_id: int, day: date) -> int:
    """The day before the monthly service day: every approved volunteer of the community hears of
    it, with that day's service-day events if any were created."""
    async with core.db.session() as s:
        community = await s.get(Community, community_id)
        if community is None:
            return 0
        tz = zone(community.timezone)
        start, end = local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)
        events = list(
            (
                await s.execute(
                    select(Event)
                    .where(
                        col(Event.community_id) == community_id,
                        col(Event.kind) == EventKind.service_day.value,
                        col(Event.cancelled) == False,  # noqa: E712
                        col(Event.starts_at) >= start,
                        col(Event.starts_at) < end,
                    )
                    .order_by(col(Event.starts_at))
                    .limit(MAX_EVENTS_LISTED)
                )
            ).scalars()
        )
        people = list(
            (
                await s.execute(
                    select(Person)
                    .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                    .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
                    .where(
                        col(Grid.community_id) == community_id,
                        col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                        col(Person.tg_user_id).is_not(None),
                        col(Person.blocked_bot) == False,  # noqa: E712
                    )
                    .order_by(col(Person.id))
                )
            ).scalars()
        )
    listed = tuple(ServiceDayEvent(e.title, e.place, aware(e.starts_at)) for e in events)
    items = []
    for p in people:
        if p.tg_user_id is None:  # the query reads only people with one
            continue
        msg = ServiceDayAnnounced(
            chat_id=p.tg_user_id,
            language=p.language,
            community=community.name,
            day=day,
            timezone=community.timezone,
            events=listed,
        )
        items.append(Outgoing(f"service-day:{community_id}:{day.isoformat()}:{p.id}", msg))
    return await fan_out(core, items)
