"""分层议事: a request nobody takes goes up — first to the grid leader, then to the community admins.

The scheduler calls escalate_overdue every few minutes. Each step happens once per request
(a conditional update of escalation_level, and outbox keys), and the resident hears of it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.roles import admins_of, leaders_of
from storage import audit
from storage.enums import RequestStatus
from storage.models import Grid, HelpRequest, Person

from .common import as_utc, tell
from .notices import FollowedUp, LeadIntro
from .posting import send_lead_copy

BATCH = 500


async def _raise_level(s: AsyncSession, req: HelpRequest, level: int) -> bool:
    done = (
        await s.execute(
            update(HelpRequest)
            .where(
                col(HelpRequest.id) == req.id,
                col(HelpRequest.status) == RequestStatus.open.value,
                col(HelpRequest.escalation_level) < level,
            )
            .values(escalation_level=level)
            .returning(col(HelpRequest.id))
        )
    ).first()
    if done:
        req.escalation_level = level
    return done is not None


async def _admins(s: AsyncSession, grid_id: int) -> list[Person]:
    grid = await s.get(Grid, grid_id)
    return await admins_of(s, grid.community_id) if grid else []


async def _escalate(core: Core, s: AsyncSession, req: HelpRequest, level: int, minutes: int) -> bool:
    if not await _raise_level(s, req, level):
        return False
    grid = await s.get(Grid, req.grid_id)
    people = await leaders_of(s, req.grid_id) if level == 1 else []
    if not people:  # no leader: the admins hear of it at once
        people = await _admins(s, req.grid_id)
    intro = LeadIntro.to_leader if level == 1 else LeadIntro.to_admins
    for p in people:
        await send_lead_copy(
            core,
            s,
            req,
            p,
            f"escalate:{req.id}:{level}:{p.id}",
            intro,
            urgent=True,
            minutes=minutes,
            grid=grid.name if grid else "",
        )
    if req.resident_id:
        await tell(core, s, req.resident_id, f"followup:{req.id}:{level}", FollowedUp, code=req.code or "", level=level)
    await audit.record(
        s, None, "request.escalate", "request", req.id, code=req.code, level=level, told=[p.id for p in people]
    )
    return True


async def escalate_overdue(core: Core) -> int:
    """Escalate open requests past their delays; returns how many escalation steps were taken."""
    cfg = core.cfg.requests
    now = core.clock.now()
    lead_cut = now - timedelta(minutes=cfg.escalate_to_leader_minutes)
    admin_cut = now - timedelta(minutes=cfg.escalate_to_admins_minutes)
    async with core.db.session() as s:
        ids = list(
            (
                await s.execute(
                    select(col(HelpRequest.id))
                    .where(
                        col(HelpRequest.status) == RequestStatus.open.value,
                        col(HelpRequest.escalation_level) < 2,
                        col(HelpRequest.created_at) <= lead_cut,
                    )
                    .order_by(col(HelpRequest.id))
                    .limit(BATCH)
                )
            ).scalars()
        )
    steps = 0
    for rid in ids:  # one short transaction per request
        async with core.db.session() as s:
            req = await s.get(HelpRequest, rid)
            if req is None or req.status != RequestStatus.open.value:
                continue
            created = as_utc(req.created_at)
            assert created is not None
            if req.escalation_level < 1 and created <= lead_cut:
                steps += await _escalate(core, s, req, 1, cfg.escalate_to_leader_minutes)
            if req.escalation_level < 2 and created <= admin_cut:
                steps += await _escalate(core, s, req, 2, cfg.escalate_to_admins_minutes)
    return steps
