"""The rendering layer: every text, keyboard and callback string the bot shows, in its reader's language.

One module a feature. Services return facts and hand over notices (bot/services/kernel/notices.py);
the modules here turn them into messages (`render`), and build and read every button's callback
data (bot/views/callbacks.py). Handlers and the outbox call this layer; services never do.
"""

from __future__ import annotations

# Every feature's view module, imported here once so that each registers the notices it renders.
from . import (  # noqa: F401
    building_heads,
    buildings,
    care,
    commands,
    departments,
    digests,
    emergency,
    events,
    exchange,
    meetings,
    office,
    people,
    places,
    points,
    referral_notices,
    referrals,
    requests,
    unit_reports,
    units,
    visits,
)
from .render import render

__all__ = ["render"]
