"""The delivery watcher of notices (小喇叭): not a calendar job but a short beat on the leader, next
to the outbox sender. Each round edits a sender's delivery card when its figures moved, so a notice
to 300 people edits its card every few seconds at most, never once per message (Telegram would
refuse edits that fast, and they would crowd out the notice itself)."""

from __future__ import annotations

import asyncio
import logging

from bot.services.kernel.core import Core
from bot.services.loudspeaker import refresh_deliveries

log = logging.getLogger(__name__)
EVERY = 2.0  # seconds between two rounds: the card's edits are this far apart, at the most often


async def watch(core: Core, every: float = EVERY) -> None:
    while True:
        try:
            await refresh_deliveries(core)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # the database may be away for a while: next round
            log.warning("notice delivery round failed (%s)", type(e).__name__)
        await asyncio.sleep(every)
