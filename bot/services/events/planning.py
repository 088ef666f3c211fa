"""Events and service days (红色服务日): create, post to the volunteer group(s), list, the card.

Sign-up, withdrawal and attendance live in event_signups.py and are re-exported here.
A grid event is for that grid's volunteers and is posted to its volunteer group; a community
event is for every volunteer of the community and is posted to every grid's volunteer group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.life_common import aware, clean_text, grid_with_community, zone
from bot.services.kernel.roles import Actor, approved_volunteer, can_lead, ensure_person, is_admin_of, led_grids
from storage import audit
from storage.enums import ChatKind, EventKind, SignupStatus
from storage.models import ChatBinding, Community, Event, EventSignup, Grid, Person, RoleGrant

from .cards import event_card, id_of, may_manage, signed_count, timezone_of
from .signups import check_in, mark_attendance, roster, sign_up, withdraw  # noqa: F401  (public names, re-exported)

TITLE_MAX, PLACE_MAX, SLOTS_MAX = 200, 200, 500
HORIZON = timedelta(days=366)
RECENT = timedelta(days=7)  # past events stay listed this long for the attendance check
_TIME_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s+(\d{1,2}):(\d{2})$")


@dataclass
class EventScope:
    kind: str  # "grid" | "community"
    id: int
    name: str
    timezone: str


@dataclass
class EventCreated:
    event: Event
    groups: int  # volunteer groups the card was queued for


@dataclass
class EventView:
    event: Event
    signed: int
    my_status: str | None
    can_manage: bool
    can_join: bool  # an approved volunteer this event is for
    started: bool
    timezone: str


def parse_event_time(text: str | None, tz: str, now: datetime) -> datetime:
    """`YYYY-MM-DD HH:MM` in the community's time zone, in the future (within a year); aware UTC."""
    m = _TIME_RE.match(unicodedata.normalize("NFKC", text or "").strip())
    if not m:
        raise InvalidInput("events.error.bad_time")
    try:
        year, month, day, hour, minute = (int(x) for x in m.groups())
        local = datetime(year, month, day, hour, minute, tzinfo=zone(tz))
    except ValueError:
        raise InvalidInput("events.error.bad_time") from None
    when = local.astimezone(UTC)
    if when <= now:
        raise InvalidInput("events.error.past_time")
    if when > now + HORIZON:
        raise InvalidInput("events.error.far_time")
    return when


def check_title(text: str | None) -> str:
    return clean_text(text, max_len=TITLE_MAX, key="events.error.bad_title", allow_newlines=False)


def check_place(text: str | None) -> str:
    return clean_text(text, max_len=PLACE_MAX, key="events.error.bad_place", allow_newlines=False)


def clean_slots(text: str | None) -> int:
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value.isdigit() or len(value) > 4 or not 1 <= int(value) <= SLOTS_MAX:
        raise InvalidInput("events.error.bad_slots", max=SLOTS_MAX)
    return int(value)


async def event_scopes(core: Core, actor: Actor) -> list[EventScope]:
    """Where this person may create events: grids they lead, communities they administer."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        out: list[EventScope] = []
        communities = {c.id: c for c in (await s.execute(select(Community))).scalars()} if person.is_superadmin else {}
        if not person.is_superadmin:
            ids = select(col(RoleGrant.community_id)).where(
                col(RoleGrant.person_id) == person.id, col(RoleGrant.role) == "admin"
            )
            communities = {
                c.id: c for c in (await s.execute(select(Community).where(col(Community.id).in_(ids)))).scalars()
            }
        for c in sorted(communities.values(), key=lambda c: c.id or 0):
            out.append(EventScope("community", id_of(c), c.name, c.timezone))
        for g in await led_grids(s, person):
            _, c = await grid_with_community(s, id_of(g))
            out.append(EventScope("grid", id_of(g), g.name, c.timezone))
        return out


async def create_event(
    core: Core,
    actor: Actor,
    *,
    title: str,
    starts_at: datetime,
    place: str,
    slots: int,
    grid_id: int | None = None,
    community_id: int | None = None,
    kind: str = EventKind.event.value,
) -> EventCreated:
    """A grid event (its leader or an admin) or a community event (an admin), posted with a sign-up button."""
    title, place = check_title(title), check_place(place)
    now = core.clock.now()
    if not 1 <= slots <= SLOTS_MAX:
        raise InvalidInput("events.error.bad_slots", max=SLOTS_MAX)
    if kind not in EventKind.__members__:
        raise InvalidInput("events.error.bad_kind")
    if aware(starts_at) <= now:
        raise InvalidInput("events.error.past_time")
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if grid_id is not None:
            grid, community = await grid_with_community(s, grid_id)
            if not await can_lead(s, person, id_of(grid)):
                raise NotAllowed("events.error.not_leader")
            grids = [grid]
        else:
            found = await s.get(Community, community_id) if community_id else None
            if found is None:
                raise NotFound("events.error.no_place")
            community = found
            if not await is_admin_of(s, person, community.id):
                raise NotAllowed("events.error.not_admin")
            grids = list((await s.execute(select(Grid).where(col(Grid.community_id) == community.id))).scalars())
        ev = Event(
            community_id=id_of(community),
            grid_id=grid_id,
            kind=kind,
            title=title,
            place=place,
            starts_at=aware(starts_at).astimezone(UTC),
            slots=slots,
            created_by=person.id,
            created_at=now,
        )
        s.add(ev)
        await s.flush()
        chats = (
            (
                await s.execute(
                    select(col(ChatBinding.chat_id)).where(
                        col(ChatBinding.grid_id).in_([g.id for g in grids]),
                        col(ChatBinding.kind) == ChatKind.volunteers.value,
                    )
                )
            )
            .scalars()
            .all()
        )
        for chat_id in chats:
            await core.notifier.send(
                s,
                f"event-card:{ev.id}:{chat_id}",
                event_card(ev, 0, community.timezone, now, chat_id),
                card_ref=f"event:{ev.id}",
            )
        await audit.record(
            s,
            person.id,
            "event.created",
            "event",
            ev.id,
            grid_id=grid_id,
            slots=slots,
            starts_at=ev.starts_at.isoformat(),
            groups=len(chats),
        )
        return EventCreated(ev, len(chats))


async def visible_events(core: Core, actor: Actor) -> list[EventView]:
    """Upcoming events for this person's grid and community; for leaders also last week's (attendance)."""
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        prof = await approved_volunteer(s, person)
        grid_ids = {g.id for g in await led_grids(s, person)} | ({prof.grid_id} if prof else set())
        home_grid = await s.get(Grid, prof.grid_id) if prof else None
        home_community = home_grid.community_id if home_grid else None
        community_ids = (
            set((await s.execute(select(col(Grid.community_id)).where(col(Grid.id).in_(grid_ids)))).scalars())
            if grid_ids
            else set()
        )
        if not grid_ids and not community_ids:
            raise NotFound("events.error.no_grid")
        stmt = (
            select(Event)
            .where(
                col(Event.cancelled) == False,  # noqa: E712
                col(Event.starts_at) >= now - RECENT,
                or_(
                    col(Event.grid_id).in_(grid_ids),
                    col(Event.grid_id).is_(None) & col(Event.community_id).in_(community_ids),
                ),
            )
            .order_by(col(Event.starts_at), col(Event.id))
            .limit(30)
        )
        views: list[EventView] = []
        for ev in (await s.execute(stmt)).scalars():
            manage = await may_manage(s, person, ev)
            if aware(ev.starts_at) <= now and not manage:
                continue
            mine = await s.scalar(
                select(col(EventSignup.status)).where(
                    col(EventSignup.event_id) == ev.id, col(EventSignup.volunteer_id) == person.id
                )
            )
            tz = await timezone_of(s, ev)
            can_join = prof is not None and (
                prof.grid_id == ev.grid_id if ev.grid_id else home_community == ev.community_id
            )
            views.append(
                EventView(ev, await signed_count(s, id_of(ev)), mine, manage, can_join, aware(ev.starts_at) <= now, tz)
            )
        return views[:20]


async def signed_volunteers(core: Core, event_id: int) -> list[Person]:
    """Volunteers signed up and not withdrawn (for reminders)."""
    async with core.db.session() as s:
        stmt = (
            select(Person)
            .join(EventSignup, col(EventSignup.volunteer_id) == col(Person.id))
            .where(col(EventSignup.event_id) == event_id, col(EventSignup.status) == SignupStatus.signed.value)
            .order_by(col(Person.id))
        )
        return list((await s.execute(stmt)).scalars())
