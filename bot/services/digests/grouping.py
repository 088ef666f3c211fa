"""What every figure's statement shares: the key it groups by (the grid, or the grid's community)
and the pieces of SQL each of them uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from storage.models import Grid

from .figures import Span


def scope_key(scope: str, grid_col: Any) -> tuple[Any, bool]:
    return (grid_col, False) if scope == "grid" else (col(Grid.community_id), True)


def with_key(stmt: Any, scope: str, grid_col: Any) -> tuple[Any, Any]:
    """The statement joined to what its key needs, and the key."""
    key, join = scope_key(scope, grid_col)
    if join:
        stmt = stmt.join(Grid, col(Grid.id) == grid_col)
    return stmt, key


def keyed(stmt: Any, scope: str, grid_col: Any, keys: list[int]) -> tuple[Any, Any]:
    stmt, key = with_key(stmt, scope, grid_col)
    if scope != "grid":  # the communities' grids, in a form the (grid, time) indexes serve
        stmt = stmt.where(grid_col.in_(select(col(Grid.id)).where(col(Grid.community_id).in_(keys))))
    return stmt.where(key.in_(keys)), key


def epoch(session: AsyncSession, column: Any) -> ColumnElement[Any]:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return extract("epoch", column)
    return (func.julianday(column) - 2440587.5) * 86400.0


def within(column: Any, span: Span) -> ColumnElement[bool]:
    return and_(column >= span.start, column < span.end)


def count_if(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)
