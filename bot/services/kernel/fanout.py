"""Queue many notifications at once, in chunks, each exactly once by its key.

A fan-out that dies half-way (crash, restart, lost database) is simply run again: rows whose
key is already in the outbox are left alone and only the missing ones are added.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.core import Core
from bot.services.kernel.notices import Notice

CHUNK = 250  # rows per transaction: short write locks on SQLite, bounded redo after a crash


@dataclass
class Outgoing:
    key: str
    msg: Notice  # (an OutMessage still works while the features move to notices)
    urgent: bool = False


async def fan_out(core: Core, items: list[Outgoing]) -> int:
    """Queue every item; returns how many were new (0 when all were already queued)."""
    bulk = getattr(core.notifier, "send_many", None)  # one statement per chunk when the notifier can
    new = 0
    for i in range(0, len(items), CHUNK):
        chunk = items[i : i + CHUNK]
        async with core.db.session() as s:
            if bulk is not None:
                new += await bulk(s, [(it.key, it.msg, it.urgent) for it in chunk])
                continue
            for item in chunk:
                new += bool(await core.notifier.send(s, item.key, item.msg, urgent=item.urgent))
    return new
