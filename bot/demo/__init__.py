"""A demo community for the sandbox (滨江社区, wording from the programmes we serve), with a few
weeks of history told through the services, so that the dashboard, the digest and the chats have
something to show from the first minute."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import Config
from bot.services.kernel.menus import queue_menu
from bot.services.kernel.periods import zone
from storage.db import Database
from storage.models import Grid, Person

from .base import community_id, seed_base
from .cast import PEOPLE, TIMEZONE, DemoPerson, sandbox_groups
from .history import WEEKS, tell_history
from .programme import tell_programme
from .story import Story, household_ids
from .today import tell_today
from .upward import tell_upward

__all__ = ["PEOPLE", "DemoPerson", "sandbox_groups", "seed_demo"]


async def seed_demo(db: Database, cfg: Config | None = None, now: datetime | None = None) -> bool:
    """Create the demo community and its history unless the community exists; True when created.
    `now`: when the story ends (default: the system's clock)."""
    cfg = cfg or Config()
    now = now or SystemClock().now()
    local = now.astimezone(zone(TIMEZONE))
    week0 = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    if not await seed_base(db, week0 - timedelta(weeks=WEEKS + 2)):
        return False
    com = await community_id(db)
    assert com is not None
    async with db.reading() as s:
        grid = await s.scalar(select(col(Grid.id)).where(col(Grid.community_id) == com).order_by(col(Grid.id)))
        rows = (await s.execute(select(col(Person.tg_user_id), col(Person.id)))).all()
    people = {t: i for t, i in rows if t is not None and i is not None}
    assert grid is not None
    st = Story(db, cfg, now, week0)
    households = await household_ids(db)
    tell_history(st, households, people, grid)
    tell_programme(st, com, grid, households)
    tell_upward(st, people, grid)
    tell_today(st, grid, com)
    await st.tell()
    await _menus(db, cfg)
    return True


async def _menus(db: Database, cfg: Config) -> None:
    """Each demo person with a role gets their role's command menu, as a real role change would set it
    (the history's approvals and grants ran with a quiet notifier)."""
    notifier = OutboxNotifier(SystemClock(), locale=cfg.bot.default_locale)
    async with db.session() as s:
        for person in (await s.execute(select(Person).where(col(Person.tg_user_id).is_not(None)))).scalars():
            await queue_menu(notifier, s, person)
