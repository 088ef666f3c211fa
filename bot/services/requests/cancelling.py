"""The resident withdraws their own request while it is still open or taken: its volunteers are
told and released, its relays end, its cards say so."""

from __future__ import annotations

from bot.services.kernel.core import Core
from bot.services.kernel.roles import Actor
from bot.services.withdrawal import withdraw_referrals
from storage import audit, claims
from storage.enums import AssignmentStatus, RequestStatus
from storage.models import HelpRequest
from storage.rows import set_committed

from .common import end_relays, require_status, tell
from .listing import own_request
from .notices import RequestCancelled
from .posting import refresh_cards


async def cancel_request(core: Core, actor: Actor, request_id: int) -> HelpRequest:
    """The resident withdraws their own request while it is still open or taken."""
    async with core.db.session() as s:
        person, req = await own_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        now = core.clock.now()
        await claims.set_status(
            s,
            req.id or 0,
            [RequestStatus.open.value, RequestStatus.filled.value],
            RequestStatus.cancelled,
            closed_at=now,
        )
        volunteers = await claims.end_assignments(s, req.id or 0, AssignmentStatus.removed)
        await claims.end_unit_claims(s, req.id or 0, now)
        set_committed(req, status=RequestStatus.cancelled.value, closed_at=now)
        for vid in volunteers:
            await tell(core, s, vid, f"cancelled:{req.id}:{vid}", RequestCancelled, code=req.code or "")
        await end_relays(s, req.id or 0, now)
        await withdraw_referrals(core, s, person.id, now, code=req.code or f"#{req.id}", request_id=req.id)
        await audit.record(s, person.id, "request.cancel", "request", req.id, code=req.code)
        await refresh_cards(core, s, req)
        return req
