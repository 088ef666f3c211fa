"""The weekly digest (每周简报): figures of a grid's (or a community's) week for its leaders and
admins, sent on schedule, previewed on demand with /digest, printed by `redvest digest`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.buildings import building_lines
from bot.services.digests import queries as q
from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.fanout import Outgoing, fan_out
from bot.services.kernel.notices import Notice
from bot.services.kernel.order import natural_key
from bot.services.kernel.periods import iso_week, parse_week, previous_week, week_range, zone
from bot.services.kernel.roles import Actor, admins_of, can_lead, ensure_person, is_admin_of, led_grids
from storage import outbox
from storage.enums import RoleKind
from storage.models import Community, Grid, Person, RoleGrant

from .facts import CityWeek, Digest, DigestChoice, is_partial
from .figures import Span
from .notices import DigestChart, DigestText

GRIDS_PER_FANOUT = 50  # digests queued per batch (bounds the charts drawn and held in memory at once)
MAX_CHOICES = 30
# What the app may do with a batch's notices before they are queued: draw the charts off the event
# loop (bot/views/digests.prepare_charts), so that rendering them at queue time costs nothing.
Prepare = Callable[[Sequence[Notice]], Awaitable[None]]


def _span(core: Core, week: str, tz: str) -> Span:
    wr = week_range(week, tz)
    return Span(
        wr.start, wr.end, min(wr.end, core.clock.now()), timedelta(minutes=core.cfg.requests.escalate_to_leader_minutes)
    )


async def compute_digests(core: Core, scope: str, targets: list[tuple[int, str, str]], week: str) -> list[Digest]:
    """Digests for many grids or communities: targets are (id, name, time zone). The week is
    cut in each community's zone, so targets are grouped by zone (usually just one)."""
    by_tz: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for tid, name, tz in targets:
        by_tz[tz].append((tid, name))
    out = []
    async with core.db.session() as s:
        for tz, items in by_tz.items():
            span = _span(core, week, tz)
            figures = await q.compute(s, scope, [tid for tid, _ in items], week, span)
            if scope == "grid":
                for gid, lines in (await building_lines(s, [tid for tid, _ in items], week)).items():
                    figures[gid].buildings = lines
            partial = is_partial(week_range(week, tz), core.clock.now())
            out += [Digest(scope, tid, name, tz, week_range(week, tz), figures[tid], partial) for tid, name in items]
    return out


async def _grid_targets(s: AsyncSession, grid_ids: list[int]) -> list[tuple[int, str, str]]:
    rows = (
        await s.execute(
            select(col(Grid.id), col(Grid.name), col(Community.timezone))
            .join(Community, col(Community.id) == col(Grid.community_id))
            .where(col(Grid.id).in_(grid_ids))
        )
    ).all()
    ordered = sorted(rows, key=lambda r: (natural_key(r[1]), r[0] or 0))
    return [(gid, name, tz) for gid, name, tz in ordered if gid is not None]


async def grid_digests(core: Core, grid_ids: list[int], week: str) -> list[Digest]:
    """Digests of many grids at once (nine grouped queries per time zone, whatever the number)."""
    async with core.db.session() as s:
        targets = await _grid_targets(s, grid_ids)
    return await compute_digests(core, "grid", targets, week)


async def community_digest(core: Core, community_id: int, week: str) -> Digest:
    async with core.db.session() as s:
        com = await s.get(Community, community_id)
    if com is None or com.id is None:
        raise NotFound("digest.error.no_community")
    return (await compute_digests(core, "community", [(com.id, com.name, com.timezone)], week))[0]


async def grid_digest(core: Core, grid_id: int, week: str) -> Digest:
    found = await grid_digests(core, [grid_id], week)
    if not found:
        raise NotFound("digest.error.no_grid")
    return found[0]


def check_week(week: str) -> str:
    try:
        parse_week(week)
    except ValueError:
        raise InvalidInput("digest.error.bad_week") from None
    return week.strip()


async def digest_choices(core: Core, actor: Actor) -> list[DigestChoice]:
    """What this person may preview: the grids they lead (or administer) and their communities."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grids = await led_grids(s, person)
        stmt = select(Community).order_by(col(Community.id))
        if not person.is_superadmin:
            stmt = stmt.where(
                col(Community.id).in_(
                    select(col(RoleGrant.community_id)).where(
                        col(RoleGrant.person_id) == person.id, col(RoleGrant.role) == RoleKind.admin.value
                    )
                )
            )
        communities = list((await s.execute(stmt)).scalars())
    choices = [DigestChoice("community", c.id, c.name) for c in communities if c.id is not None]
    choices += [DigestChoice("grid", g.id, g.name) for g in grids if g.id is not None]
    if not choices:
        raise NotAllowed("digest.error.not_leader")
    return choices[:MAX_CHOICES]


async def preview_digest(core: Core, actor: Actor, scope: str, target_id: int, week: str | None = None) -> Digest:
    """A digest on demand (default: this week so far), for the grid's leader or the community's admins."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if scope == "grid":
            grid = await s.get(Grid, target_id)
            if grid is None:
                raise NotFound("digest.error.no_grid")
            allowed = await can_lead(s, person, target_id)
            com = await s.get(Community, grid.community_id)
        elif scope == "community":
            com = await s.get(Community, target_id)
            if com is None:
                raise NotFound("digest.error.no_community")
            allowed = await is_admin_of(s, person, target_id)
        else:
            raise NotFound("digest.error.no_grid")
    if not allowed:
        raise NotAllowed("digest.error.not_leader")
    week = check_week(week) if week else iso_week(core.clock.now(), com.timezone if com else None)
    if scope == "grid":
        return await grid_digest(core, target_id, week)
    return await community_digest(core, target_id, week)


def last_full_week(core: Core, tz: str | None) -> str:
    return previous_week(iso_week(core.clock.now(), zone(tz)))


def _base_key(d: Digest, p: Person) -> str:
    return f"digest:{d.scope}:{d.target_id}:{d.week}:{p.id}"


async def digest_notices(core: Core, d: Digest, recipients: list[Person]) -> list[Outgoing]:
    """Chart then text for each recipient not served yet, keyed by scope, target, week and person
    (the text goes last, so a queued text means that recipient is complete). A quiet week has no chart."""
    async with core.db.session() as s:
        served = await outbox.existing_keys(s, [f"{_base_key(d, p)}:text" for p in recipients])
    items = []
    for p in recipients:
        base = _base_key(d, p)
        if f"{base}:text" in served or p.tg_user_id is None:
            continue
        if not d.quiet:
            items.append(Outgoing(f"{base}:chart", DigestChart(chat_id=p.tg_user_id, language=p.language, digest=d)))
        items.append(Outgoing(f"{base}:text", DigestText(chat_id=p.tg_user_id, language=p.language, digest=d)))
    return items


def _reachable(people: list[Person]) -> list[Person]:
    return [p for p in people if p.tg_user_id is not None and not p.blocked_bot]


async def _queue(core: Core, items: list[Outgoing], prepare: Prepare | None) -> int:
    if prepare is not None and items:
        await prepare([it.msg for it in items])
    return await fan_out(core, items)


async def send_weekly_digests(
    core: Core, community_id: int, week: str, *, prepare: Prepare | None = None, city: CityWeek | None = None
) -> int:
    """Each grid leader gets their grid's digest; the community's admins get the community's.
    `city` may hold them already (a city's Monday computed at once: digests.city)."""

    async def digests_of(scope: str, targets: list[tuple[int, str, str]]) -> list[Digest]:
        ids = [t[0] for t in targets]
        if city is not None and city.week == week and city.covers(scope, ids):
            return city.pick(scope, ids)
        return await compute_digests(core, scope, targets, week)

    async with core.db.session() as s:
        com = await s.get(Community, community_id)
        if com is None or com.id is None:
            return 0
        grids = [
            (gid, name)
            for gid, name in (
                await s.execute(select(col(Grid.id), col(Grid.name)).where(col(Grid.community_id) == community_id))
            ).all()
            if gid is not None
        ]
        grids.sort(key=lambda g: (natural_key(g[1]), g[0]))
        leaders: dict[int, list[Person]] = defaultdict(list)
        for gid, person in (
            await s.execute(
                select(col(RoleGrant.grid_id), Person)
                .join(Person, col(Person.id) == col(RoleGrant.person_id))
                .where(col(RoleGrant.role) == RoleKind.leader.value, col(RoleGrant.grid_id).in_([g for g, _ in grids]))
                .order_by(col(Person.id))
            )
        ).all():
            if gid is not None:
                leaders[gid].append(person)
        admins = _reachable(await admins_of(s, community_id))
    queued = 0
    led = [(gid, name, com.timezone) for gid, name in grids if _reachable(leaders[gid])]
    for i in range(0, len(led), GRIDS_PER_FANOUT):
        items: list[Outgoing] = []
        for d in await digests_of("grid", led[i : i + GRIDS_PER_FANOUT]):
            items += await digest_notices(core, d, _reachable(leaders[d.target_id]))
        queued += await _queue(core, items, prepare)
    if admins:
        d = (await digests_of("community", [(com.id, com.name, com.timezone)]))[0]
        queued += await _queue(core, await digest_notices(core, d, admins), prepare)
    return queued
