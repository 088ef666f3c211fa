"""INSERT ... ON CONFLICT for SQLite and PostgreSQL alike.

ON CONFLICT is spelled per dialect, so such statements are built once for each database we run on
(building one costs more than running it): `per_dialect`, looked up by `dialect(session)`.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

_statements: dict[tuple[str, Any, tuple[str, ...], tuple[str, ...]], Any] = {}


def per_dialect(build: Callable[[Callable[..., Any]], Any]) -> dict[str, Any]:
    """`build(insert)` with each dialect's `insert`, keyed by the dialect's name."""
    return {"postgresql": build(postgresql.insert), "sqlite": build(sqlite.insert)}


def dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind else "sqlite"


async def insert_ignore(session: AsyncSession, model: Any, values: dict[str, Any], conflict: list[str]) -> bool:
    """Insert one row unless it collides on `conflict`; True when a row was written."""
    name = dialect(session)
    # the statement is built once per shape (building it costs more than running it)
    shape = (name, model, tuple(conflict), tuple(values))
    stmt = _statements.get(shape)
    if stmt is None:
        mod = postgresql if name == "postgresql" else sqlite
        stmt = _statements[shape] = mod.insert(model.__table__).on_conflict_do_nothing(index_elements=conflict)
    result = await (await session.connection()).execute(stmt, values)
    return bool(result.rowcount)
