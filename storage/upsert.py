"""INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_ignore(session: AsyncSession, model: Any, values: dict[str, Any],
                        conflict: list[str]) -> bool:
    """Insert one row unless it collides on `conflict`; True when a row was written."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    mod = postgresql if dialect == "postgresql" else sqlite
    stmt = mod.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    result = await session.exec(stmt)  # type: ignore[call-overload]
    return bool(result.rowcount)
