"""Checking a printed certificate: the office types its number and sees what was certified, as it was
issued (the figures kept then), for a certificate of one of the viewer's communities only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.models import Certificate as Issued
from storage.models import Community, Person

_ISSUER = aliased(Person)


@dataclass(frozen=True)
class IssuedCertificate:
    number: str
    volunteer: str
    community: str
    start: date
    end: date
    hours: float
    points: int
    tasks: int
    issued_on: date
    issued_by: str


async def check_certificate(core: Core, community_ids: Sequence[int], number: str) -> IssuedCertificate | None:
    """The certificate of this number, if one of these communities issued it; None otherwise (a
    number of another community is as unknown as a wrong one)."""
    wanted = " ".join((number or "").split()).upper().removeprefix("NO.").strip()[:32]
    if not wanted or not community_ids:
        return None
    stmt = (
        select(Issued, col(Person.name), col(Community.name), col(_ISSUER.name))
        .join(Person, col(Person.id) == col(Issued.person_id))
        .join(Community, col(Community.id) == col(Issued.community_id))
        .outerjoin(_ISSUER, col(_ISSUER.id) == col(Issued.issued_by))
        .where(col(Issued.number) == wanted, col(Issued.community_id).in_(list(community_ids)))
    )
    async with core.db.reading() as s:
        row = (await s.execute(stmt)).first()
    if row is None:
        return None
    c, volunteer, community, issuer = row
    return IssuedCertificate(
        number=c.number or "",
        volunteer=volunteer or "",
        community=community or "",
        start=date.fromisoformat(c.period_start),
        end=date.fromisoformat(c.period_end),
        hours=c.hours,
        points=c.points,
        tasks=c.tasks,
        issued_on=date.fromisoformat(c.issued_on),
        issued_by=issuer or "",
    )
