"""INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

_statements: dict[tuple[str, Any, tuple[str, ...], tuple[str, ...]], Any] = {}


async def insert_ignore(session: AsyncSession, model: Any, values: dict[str, Any],
                        conflict: list[str]) -> bool:
    """Insert one row unless it collides on `conflict`; True when a row was written."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    # the statement is built once per shape (building it costs more than running it)
    shape = (dialect, model, tuple(conflict), tuple(values))
    stmt = _statements.get(shape)
    if stmt is None:
        mod = postgresql if dialect == "postgresql" else sqlite
        stmt = _statements[shape] = mod.insert(model.__table__).on_conflict_do_nothing(index_elements=conflict)
    result = await (await session.connection()).execute(stmt, values)
    return bool(result.rowcount)
