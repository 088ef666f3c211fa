"""Seeding and reading helpers shared by the scheduler, reminder, digest and outbox tests
(no tests in here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.core import Core
from storage.db import Database
from storage.enums import VolunteerStatus
from storage.models import DoorVisit, Household, JobRun, OutboxMessage, Person

from . import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Town:
    community: object
    grid: object
    grid_b: object
    leader: Person
    admin: Person
    vols: list[Person] = field(default_factory=list)
    homes: dict[int, list[Household]] = field(default_factory=dict)  # volunteer person id -> households


async def seed_town(
    db: Database,
    tz: str = "Asia/Shanghai",
    volunteers: int = 2,
    homes_each: int = 2,
    name: str = "幸福里社区",
    english: tuple[int, ...] = (),
) -> Town:
    """A community with two grids; grid A has a leader, an admin over the community and
    `volunteers` approved volunteers, each paired with `homes_each` households."""
    com = await f.community(db, name, tz=tz)
    ga = await f.grid(db, com.id, "第一网格")
    gb = await f.grid(db, com.id, "第二网格")
    base = com.id * 100_000
    leader = await f.person(db, base + 1001, "李网格长", grid_id=ga.id)
    await f.leader(db, leader.id, ga.id)
    admin = await f.person(db, base + 9001, "社区书记")
    await f.community_admin(db, admin.id, com.id)
    town = Town(com, ga, gb, leader, admin)
    for i in range(volunteers):
        lang = "en" if i in english else "zh-hans"
        p = await f.person(db, base + 2001 + i, f"志愿者{i + 1}", grid_id=ga.id, language=lang)
        await f.volunteer(db, p.id, ga.id)
        town.vols.append(p)
        town.homes[p.id] = []
        for j in range(homes_each):
            h = await f.household(db, ga.id, f"幸福里 {i + 1} 栋 {j + 1}01", members=f"住户{i}-{j}")
            await f.pair(db, p.id, h.id)
            town.homes[p.id].append(h)
    return town


async def pending_volunteer(db: Database, grid_id: int, tg: int) -> Person:
    p = await f.person(db, tg, "新志愿者", grid_id=grid_id)
    await f.volunteer(db, p.id, grid_id, status=VolunteerStatus.pending)
    return p


async def log_visit(
    db: Database,
    household: Household,
    volunteer: Person,
    week: str,
    outcome: str = "met",
    red_flags: str = "",
    when: datetime | None = None,
) -> None:
    async with db.session() as s:
        v = DoorVisit(
            household_id=household.id,
            volunteer_id=volunteer.id,
            grid_id=household.grid_id,
            week=week,
            outcome=outcome,
            red_flags=red_flags,
        )
        if when is not None:
            v.created_at = when.astimezone(UTC)  # SQLite keeps no offset: store UTC
        s.add(v)


async def rows(db: Database, prefix: str = "") -> list[OutboxMessage]:
    async with db.session() as s:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if prefix:
            stmt = stmt.where(OutboxMessage.key.startswith(prefix))
        return list((await s.execute(stmt)).scalars())


async def keys(db: Database, prefix: str = "") -> list[str]:
    return [r.key for r in await rows(db, prefix)]


async def job_runs(db: Database) -> set[tuple[str, str]]:
    async with db.session() as s:
        return {(j.job, j.period) for j in (await s.execute(select(JobRun))).scalars()}


def payload(row: OutboxMessage) -> dict:
    return json.loads(row.payload)


def button_data(row: OutboxMessage) -> list[str]:
    return [b["data"] for line in payload(row)["buttons"] for b in line]


def core_on(db: Database, clock: FakeClock, cfg) -> Core:
    return Core(db=db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, tz: ZoneInfo | str = SHANGHAI) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz) if isinstance(tz, str) else tz)
