"""Friday door visits (周五入户) on schedule: the morning list, the evening reminder for visits not
yet logged, and the grid leader's overview. Each message is keyed by person and ISO week, so a
re-run never sends a second copy. The log button's data is `visit:log:<household_id>` (handled by
the door-visit feature in handlers/visits.py)."""
from __future__ import annotations

from sqlmodel import col

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_skeleton
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Raw, t, tp
from storage.enums import CareFlag, RoleKind, VisitOutcome, VolunteerStatus
from storage.models import DoorVisit, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile

from bot.services.kernel.core import Core
from bot.services.kernel.fanout import Outgoing, fan_out
from bot.services.kernel.notifier import Button, OutMessage
from bot.services.kernel.periods import zone

MAX_LISTED = 20     # households listed (with a button each) in one message; the rest via /visits
MAX_OVERVIEW = 40   # volunteers listed in a leader's overview
CARE_KEYS = {CareFlag.elderly_alone: "reminders.care.elderly_alone",
             CareFlag.left_behind_children: "reminders.care.left_behind_children",
             CareFlag.disability: "reminders.care.disability", CareFlag.other: "reminders.care.other"}


@dataclass
class PairedRow:
    household_id: int
    grid_id: int
    address: str
    members: str
    care_flags: str
    logged: bool
    outcome: str | None


@dataclass
class VolunteerWeek:
    person_id: int
    tg_user_id: int | None
    name: str
    language: str | None
    reachable: bool
    grid_ids: set[int] = field(default_factory=set)
    rows: list[PairedRow] = field(default_factory=list)

    @property
    def unlogged(self) -> list[PairedRow]:
        return [r for r in self.rows if not r.logged]


def when_text(when: datetime, tz: str | None, lang: str) -> str:
    """`11月21日周六 09:00` / `Sat, Nov 21 09:00` in the community's zone."""
    local = when.astimezone(zone(tz))
    loc = "zh_CN" if lang == "zh-CN" else "en"
    return f"{format_skeleton('MMMEd', local, locale=loc)} {format_skeleton('Hm', local, locale=loc)}"


async def paired_weeks(session: AsyncSession, community_id: int, week: str) -> list[VolunteerWeek]:
    """Every approved volunteer of the community with active pairings, their households and
    whether each visit of `week` is logged: one query for the whole community."""
    stmt = (select(col(Person.id), col(Person.tg_user_id), col(Person.name), col(Person.language), col(Person.blocked_bot),
                   col(Household.id), col(Household.grid_id), col(Household.address), col(Household.members), col(Household.care_flags),
                   col(DoorVisit.id), col(DoorVisit.outcome))
            .select_from(Pairing)
            .join(Household, col(Household.id) == col(Pairing.household_id))
            .join(Grid, col(Grid.id) == col(Household.grid_id))
            .join(Person, col(Person.id) == col(Pairing.volunteer_id))
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .outerjoin(DoorVisit, and_(col(DoorVisit.household_id) == col(Household.id),
                                       col(DoorVisit.volunteer_id) == col(Person.id), col(DoorVisit.week) == week))
            .where(col(Grid.community_id) == community_id, col(Pairing.active) == True,  # noqa: E712
                   col(Household.erased_at).is_(None), col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                   col(Person.forgotten_at).is_(None))
            .order_by(col(Person.id), col(Household.id)))
    out: dict[int, VolunteerWeek] = {}
    for pid, tg, name, language, blocked, hid, gid, address, members, flags, visit_id, outcome in (await session.execute(stmt)).all():
        vw = out.get(pid)
        if vw is None:
            vw = out[pid] = VolunteerWeek(pid, tg, name, language, reachable=tg is not None and not blocked)
        vw.grid_ids.add(gid)
        vw.rows.append(PairedRow(hid, gid, address, members, flags, visit_id is not None, outcome))
    return list(out.values())


def _household_line(lang: str, n: int, row: PairedRow) -> str:
    care = "、" if lang == "zh-CN" else ", "
    flags = care.join(tp(lang, CARE_KEYS[CareFlag(f)]) for f in row.care_flags.split(",") if f in CareFlag.__members__)
    key = "reminders.visit.line_logged" if row.logged else "reminders.visit.line"
    return t(lang, key, n=n, address=row.address, members=row.members or "—", flags=flags or "—")


def _log_button(lang: str, n: int, row: PairedRow) -> list[Button]:
    short = row.address if len(row.address) <= 24 else row.address[:23] + "…"
    return [Button(tp(lang, "reminders.visit.log_button", n=n, address=short), data=f"visit:log:{row.household_id}")]


def visit_message(core: Core, vw: VolunteerWeek, week: str, *, evening: bool) -> OutMessage | None:
    """The morning list (every paired household) or the evening reminder (only unlogged ones)."""
    lang = core.lang(vw.language)
    rows = vw.unlogged if evening else vw.rows
    if not rows or vw.tg_user_id is None:
        return None
    shown = rows[:MAX_LISTED]
    lines = [_household_line(lang, n, r) for n, r in enumerate(shown, start=1)]
    if len(rows) > len(shown):
        lines.append(t(lang, "reminders.visit.more", n=len(rows) - len(shown)))
    head = "reminders.visit.evening" if evening else "reminders.visit.morning"
    text = t(lang, head, week=week, count=len(rows), unlogged=len(vw.unlogged), lines=Raw("\n".join(lines)))
    buttons = [_log_button(lang, n, r) for n, r in enumerate(shown, start=1) if not r.logged]
    return OutMessage(chat_id=vw.tg_user_id, text=text, buttons=buttons, silent=True)


async def visit_fanout(core: Core, community_id: int, week: str, *, evening: bool) -> list[Outgoing]:
    async with core.db.session() as s:
        weeks = await paired_weeks(s, community_id, week)
    kind = "visit-reminder" if evening else "visit-list"
    out = []
    for vw in weeks:
        msg = visit_message(core, vw, week, evening=evening) if vw.reachable else None
        if msg is not None:
            out.append(Outgoing(f"{kind}:{vw.person_id}:{week}", msg))
    return out


async def send_visit_lists(core: Core, community_id: int, week: str) -> int:
    """Friday morning: each paired volunteer gets their households with a log button each."""
    return await fan_out(core, await visit_fanout(core, community_id, week, evening=False))


async def send_visit_reminders(core: Core, community_id: int, week: str) -> int:
    """Friday evening: a reminder to volunteers who still have visits to log."""
    return await fan_out(core, await visit_fanout(core, community_id, week, evening=True))


def overview_message(lang: str, grid_name: str, week: str, vols: list[VolunteerWeek], grid_id: int) -> str:
    stats = []
    for vw in vols:
        mine = [r for r in vw.rows if r.grid_id == grid_id]
        stats.append((sum(r.logged for r in mine), len(mine), vw.name or f"#{vw.person_id}",
                      sum(r.outcome == VisitOutcome.needs_help.value for r in mine)))
    stats.sort(key=lambda s: (s[0] == s[1], s[0] - s[1], s[2]))  # who still has visits to log first
    done, planned = sum(s[0] for s in stats), sum(s[1] for s in stats)
    lines = [t(lang, "reminders.overview.done_line" if d == p else "reminders.overview.open_line",
               name=name, done=d, planned=p) for d, p, name, _ in stats[:MAX_OVERVIEW]]
    if len(stats) > MAX_OVERVIEW:
        lines.append(t(lang, "reminders.overview.more", n=len(stats) - MAX_OVERVIEW))
    needs = sum(s[3] for s in stats)
    text = t(lang, "reminders.overview.head", grid=grid_name, week=week, done=done, planned=planned,
             complete=sum(s[0] == s[1] for s in stats), volunteers=len(stats), lines=Raw("\n".join(lines)))
    if needs:
        text += "\n\n" + t(lang, "reminders.overview.needs_help", n=needs)
    return text


async def send_visit_overviews(core: Core, community_id: int, week: str) -> int:
    """Friday evening: each grid leader sees who has logged their visits and who has not."""
    async with core.db.session() as s:
        weeks = await paired_weeks(s, community_id, week)
        grids = {g.id: g for g in (await s.execute(select(Grid).where(col(Grid.community_id) == community_id))).scalars()}
        leaders = (await s.execute(select(col(RoleGrant.grid_id), Person).join(Person, col(Person.id) == col(RoleGrant.person_id)).where(
            col(RoleGrant.role) == RoleKind.leader.value, col(RoleGrant.grid_id).in_(list(grids)),
            col(Person.tg_user_id).is_not(None), col(Person.blocked_bot) == False))).all()  # noqa: E712
    by_grid: dict[int, list[VolunteerWeek]] = defaultdict(list)
    for vw in weeks:
        for gid in vw.grid_ids:
            by_grid[gid].append(vw)
    items = []
    for gid, leader in leaders:
        if not by_grid.get(gid):
            continue
        lang = core.lang(leader.language)
        text = overview_message(lang, grids[gid].name, week, by_grid[gid], gid)
        items.append(Outgoing(f"visit-overview:{gid}:{week}:{leader.id}",
                              OutMessage(chat_id=leader.tg_user_id, text=text, silent=True)))
    return await fan_out(core, items)
