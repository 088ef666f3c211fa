"""What a notice (小喇叭) tells people, as facts (bot/views/loudspeaker.py renders them)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class Announced(Notice):
    """The notice itself, in a person's private chat or a bound group. `mutable`: the reader got it
    as a resident and it is not urgent, so it carries the "no more notices" button."""

    announcement_id: int
    place: str  # the grid's name, or the community's for a community-wide notice
    sender: str
    text: str
    urgent: bool
    mutable: bool = False


@dataclass(frozen=True, kw_only=True)
class DeliveryCard(Notice):
    """The sender's card: where the notice went and how far its delivery is (edited as the outbox drains)."""

    announcement_id: int
    place: str
    audience: str  # Audience
    urgent: bool
    text: str
    recipients: int
    delivered: int = 0
    failed: int = 0
    muted: int = 0
    finished: bool = False
