"""Shared column helpers for the tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Table
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_field() -> Any:  # Any: what sqlmodel.Field returns, so the column's annotation stands
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def ts_field(index: bool = False) -> Any:
    """An optional aware timestamp column."""
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, index=index)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for Core statements (insert ... returning, aliases, joins):
    SQLModel's metaclass sets `__table__` on every `table=True` class but SQLModel does not declare it."""
    table = vars(model).get("__table__")
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table
