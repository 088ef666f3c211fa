"""A volunteer's place on the honour list: /honour shows their community's latest list and whether
they appear on it; they may opt out (left off, not shown as anonymous) and back in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.roles import Actor, by_tg, load_me
from storage import audit
from storage.models import Community, Grid, HonourOptOut, Person, VolunteerProfile
from storage.rows import affected
from storage.upsert import insert_ignore

from .listing import HonourList, honour_list, month_of, previous_month

# the person and the grid they volunteer in (None: no volunteer profile), in one statement
_ME = by_tg(col(VolunteerProfile.grid_id)).outerjoin(
    VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id)
)


@dataclass(frozen=True)
class MyHonour:
    opted_out: bool
    latest: HonourList  # last month's list of their community


async def my_honour(core: Core, actor: Actor) -> MyHonour:
    """For volunteers (any status): last month's list of their community, and their choice."""
    async with core.db.session() as s:
        person, grid_id = await load_me(s, actor, _ME)
        if grid_id is None:
            raise NotAllowed("honour.error.not_volunteer")
        community = (
            await s.execute(
                select(Community).join(Grid, col(Grid.community_id) == col(Community.id)).where(col(Grid.id) == grid_id)
            )
        ).scalar_one()
        month = previous_month(month_of(core.clock.now(), community.timezone))
        latest = await honour_list(s, community.id or 0, month)
        out = await s.scalar(select(col(HonourOptOut.person_id)).where(col(HonourOptOut.person_id) == person.id))
        return MyHonour(out is not None, latest)


async def set_honour_opt_out(core: Core, actor: Actor, opted_out: bool) -> bool:
    """Leave the honour list (True) or come back (False); False when it was so already."""
    async with core.db.session() as s:
        person, grid_id = await load_me(s, actor, _ME)
        if grid_id is None:
            raise NotAllowed("honour.error.not_volunteer")
        if opted_out:
            changed = await insert_ignore(
                s, HonourOptOut, dict(person_id=person.id, opted_out_at=core.clock.now()), ["person_id"]
            )
        else:
            changed = bool(
                affected(await s.execute(delete(HonourOptOut).where(col(HonourOptOut.person_id) == person.id)))
            )
        if changed:
            await audit.record(s, person.id, "honour.opt_out" if opted_out else "honour.opt_in", "person", person.id)
        return changed
