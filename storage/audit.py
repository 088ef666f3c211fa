"""The audit log: who did what, when. Never put addresses or phones in `detail`."""
import json
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from .models import AuditEntry


async def record(session: AsyncSession, actor_id: int | None, action: str, entity: str,
                 entity_id: int | None, **detail: Any) -> None:
    session.add(AuditEntry(actor_id=actor_id, action=action, entity=entity, entity_id=entity_id,
                           detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else ""))
