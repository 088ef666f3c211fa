"""The weekly digest for grid leaders and admins: figures (queries), what a digest is (facts), what
its readers are told (notices), how it is computed, previewed and sent (weekly), and a city's
Monday computed at once (city)."""

from __future__ import annotations

from .city import city_week
from .facts import CityWeek, Digest, DigestChoice, is_partial
from .figures import CareMissLine, DigestFigures, EmergencyLine, IssueLine
from .notices import DigestChart, DigestText
from .weekly import (
    GRIDS_PER_FANOUT,
    Prepare,
    check_week,
    community_digest,
    compute_digests,
    digest_choices,
    digest_notices,
    grid_digest,
    grid_digests,
    last_full_week,
    preview_digest,
    send_weekly_digests,
)

__all__ = [
    "GRIDS_PER_FANOUT",
    "CareMissLine",
    "CityWeek",
    "Digest",
    "DigestChart",
    "DigestChoice",
    "DigestFigures",
    "DigestText",
    "EmergencyLine",
    "IssueLine",
    "Prepare",
    "check_week",
    "city_week",
    "community_digest",
    "compute_digests",
    "digest_choices",
    "digest_notices",
    "grid_digest",
    "grid_digests",
    "is_partial",
    "last_full_week",
    "preview_digest",
    "send_weekly_digests",
]
