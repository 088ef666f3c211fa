"""A new request that looks like another open one of the grid (same person or household, or same
address, and similar): it is stored flagged and the grid's leaders are asked."""

from __future__ import annotations

import difflib
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.roles import leaders_of
from storage.models import HelpRequest

from .common import ACTIVE, tell
from .notices import DuplicateFlagged

DUPLICATE_WINDOW = timedelta(days=14)


def _norm_address(address: str | None) -> str:
    return re.sub(r"[\s\W_]+", "", (address or "").lower())


_RECENT = (
    select(
        col(HelpRequest.id),
        col(HelpRequest.code),
        col(HelpRequest.resident_id),
        col(HelpRequest.household_id),
        col(HelpRequest.address),
        col(HelpRequest.category),
        col(HelpRequest.summary),
    )
    .where(
        col(HelpRequest.grid_id) == bindparam("gid"),
        col(HelpRequest.id) != bindparam("rid"),
        col(HelpRequest.status).in_(ACTIVE),
        col(HelpRequest.created_at) >= bindparam("since"),
    )
    .order_by(col(HelpRequest.id).desc())
    .limit(200)
)


_SAME_PERSON, _SAME_ADDRESS = "same_person", "same_address"


async def possible_duplicate(s: AsyncSession, req: HelpRequest) -> tuple[Any, str] | None:
    """Same person (or household) or same address, and a similar open request: that request and
    why. Read before the new request is inserted, so that it is stored already flagged."""
    rows = (
        await (await s.connection()).execute(
            _RECENT, {"gid": req.grid_id, "rid": req.id or 0, "since": req.created_at - DUPLICATE_WINDOW}
        )
    ).all()
    mine = _norm_address(req.address)
    for other in rows:
        same_person = (req.source == "resident" and other.resident_id == req.resident_id and req.resident_id) or (
            req.household_id is not None and other.household_id == req.household_id
        )
        same_address = bool(mine) and _norm_address(other.address) == mine
        similar = (
            other.category == req.category or difflib.SequenceMatcher(None, other.summary, req.summary).ratio() >= 0.5
        )
        if (same_person or same_address) and similar:
            return other, _SAME_PERSON if same_person else _SAME_ADDRESS
    return None


async def tell_leaders_duplicate(core: Core, s: AsyncSession, req: HelpRequest, other: Any, why: str) -> None:
    for leader in await leaders_of(s, req.grid_id):
        await tell(
            core,
            s,
            leader.id,
            f"dup-flag:{req.id}:{leader.id}",
            DuplicateFlagged,
            code=req.code or "",
            request_id=req.id or 0,
            other_code=other.code or "",
            other_id=other.id,
            same_person=why == _SAME_PERSON,
        )
