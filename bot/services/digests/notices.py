"""What the weekly digest tells its readers (rendered by bot/views/digests): the chart, then the text.

A digest's chart is drawn by the view from the figures; a quiet week has no chart notice."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice

from .facts import Digest


@dataclass(frozen=True, kw_only=True)
class DigestChart(Notice):
    """The week's chart as a photo, its caption the digest's title."""

    digest: Digest


@dataclass(frozen=True, kw_only=True)
class DigestText(Notice):
    """The whole digest (one line when the week was quiet)."""

    digest: Digest
