"""The audit log: who did what, when. Never put addresses or phones in `detail`."""

import json
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .models import AuditEntry, table_of
from .models._base import utcnow

# a plain insert, built once: the entry is never read back in the transaction that writes it
_INSERT = insert(table_of(AuditEntry))


async def record(
    session: AsyncSession, actor_id: int | None, action: str, entity: str, entity_id: int | None, **detail: Any
) -> None:
    await (await session.connection()).execute(
        _INSERT,
        dict(
            at=utcnow(),
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
        ),
    )


async def record_many(
    session: AsyncSession, entries: list[tuple[int | None, str, str, int | None, dict[str, Any]]]
) -> None:
    """`record` of each (actor_id, action, entity, entity_id, detail), in order, in one statement."""
    if entries:
        rows = [
            dict(
                at=utcnow(),
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
            )
            for actor_id, action, entity, entity_id, detail in entries
        ]
        await (await session.connection()).execute(_INSERT, rows if len(rows) > 1 else rows[0])
