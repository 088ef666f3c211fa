"""The weekly digest's figures, computed set-based: each query covers every grid (or community)
asked for at once with GROUP BY, so 1,000 grids cost the same nine statements as one.

`scope` is "grid" (key = grid id) or "community" (key = community id, via the grid's community).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from .care_queries import care_tasks
from .emergency_queries import emergencies
from .figures import DigestFigures, Span
from .meeting_queries import open_issues
from .referral_queries import referrals
from .request_queries import medians, ratings, request_counts
from .visit_queries import stale_households, visits, visits_planned
from .volunteer_queries import pending_volunteers, points


async def compute(s: AsyncSession, scope: str, keys: list[int], week: str, span: Span) -> dict[int, DigestFigures]:
    """Every figure of the digest for every key: nine grouped statements, the meeting's open list and the care plans."""
    out = {k: DigestFigures() for k in keys}
    if not keys:
        return out
    await request_counts(s, scope, keys, span, out)
    await medians(s, scope, keys, span, out)
    await ratings(s, scope, keys, span, out)
    await visits(s, scope, keys, week, out)
    await visits_planned(s, scope, keys, out)
    await stale_households(s, scope, keys, span, out)
    await points(s, scope, keys, span, out)
    await pending_volunteers(s, scope, keys, out)
    await emergencies(s, scope, keys, span, out)
    await open_issues(s, scope, keys, out)
    await care_tasks(s, scope, keys, week, out)
    await referrals(s, scope, keys, span, out)
    return out
