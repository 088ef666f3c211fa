"""Once a month the community's honour list goes to every volunteer group bound in its grids (the
scheduled job: bot/jobs/honour_list.py). Each group's message is keyed by community, month and
chat, so a job run again after a restart, or by a second scheduler, adds only what is missing. A
month in which nobody earned a point sends nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.fanout import Outgoing, fan_out
from storage.enums import ChatKind
from storage.models import ChatBinding, Grid

from .listing import HonourList, honour_list
from .notices import HonourPosted


async def publish_honour_list(core: Core, community_id: int, month: str) -> int:
    """Post the month's list to the community's volunteer groups; how many messages were queued."""
    async with core.db.reading() as s:
        honour = await honour_list(s, community_id, month)
        chats = list(
            (
                await s.execute(
                    select(col(ChatBinding.chat_id))
                    .join(Grid, col(Grid.id) == col(ChatBinding.grid_id))
                    .where(col(Grid.community_id) == community_id, col(ChatBinding.kind) == ChatKind.volunteers.value)
                    .order_by(col(ChatBinding.id))
                )
            ).scalars()
        )
    if not honour.rows:
        return 0
    return await fan_out(
        core, [Outgoing(f"honour:{community_id}:{month}:{chat}", _notice(chat, honour)) for chat in chats]
    )


def _notice(chat_id: int, honour: HonourList) -> HonourPosted:
    return HonourPosted(chat_id=chat_id, honour=honour)
