"""Keeping loaded rows in step with the statements that change them, without reading them back;
the types of the rows and results of Core statements."""

from typing import Any, Protocol, TypeAlias, cast

from sqlalchemy.engine import CursorResult, Result, Row
from sqlalchemy.orm.attributes import set_committed_value

# a row / result of a statement whose columns are not typed one by one (Core selects of many columns)
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnyResult: TypeAlias = Result[*tuple[Any, ...]]


def set_committed(obj: Any, **values: Any) -> None:
    """Record on a loaded row what an UPDATE just wrote to it: instead of `session.refresh` (a SELECT
    of every column), and without marking the row changed (which would write it again)."""
    for key, value in values.items():
        set_committed_value(obj, key, value)


def affected(result: AnyResult) -> int:
    """How many rows an INSERT, UPDATE or DELETE wrote. AsyncSession.execute is typed to return a
    Result for every statement, but for these it returns a CursorResult (which has the rowcount)."""
    return int(cast(CursorResult[*tuple[Any, ...]], result).rowcount or 0)


class _Keyed(Protocol):
    id: int | None


def key_of(row: _Keyed) -> int:
    """The primary key of a row read or flushed (the models declare `id: int | None`: None only
    before the INSERT)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id
