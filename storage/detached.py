"""Model instances from Core rows, as an ORM load would give them, for a fraction of its cost.

The hot reads (accepting a task, the task list, the ledger) use prebuilt Core statements; building
each object through the ORM's loading or the model's validating __init__ cost more than the query.
The objects are detached: read them, never `session.add` them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.orm import Bundle, class_mapper, make_transient_to_detached

T = TypeVar("T")

_managers: dict[type, Any] = {}


def detached(cls: type[T], values: Mapping[str, Any]) -> T:
    """An instance of `cls` holding `values` (every column), as if loaded and then detached."""
    manager = _managers.get(cls)
    if manager is None:
        manager = _managers[cls] = class_mapper(cls).class_manager
    obj = manager.new_instance()
    obj.__dict__.update(values)
    make_transient_to_detached(obj)
    return obj


def labelled(table: Any, prefix: str) -> list[Any]:
    """Every column of `table` labelled `<prefix><name>`, to read several tables in one row."""
    return [c.label(prefix + c.name) for c in table.c]


_keys: dict[tuple[Table, str], list[tuple[str, str]]] = {}


def part(row: Mapping[str, Any], table: Table, prefix: str) -> dict[str, Any] | None:
    """The columns of `table` read with `labelled(table, prefix)`; None when an outer join found none."""
    keys = _keys.get((table, prefix))
    if keys is None:  # iterating table.c and building the labels per row was a fifth of /tasks' CPU
        keys = _keys[(table, prefix)] = [(c.name, prefix + c.name) for c in table.c]
    if row[prefix + "id"] is None:
        return None
    return {name: row[key] for name, key in keys}


class DetachedBundle(Bundle[Any]):
    """Every column of a model's table, read into one `detached` instance of the model: put in a
    select where the model itself would be, it gives the same object without an ORM load (no
    identity map, no instance state to build, no `load` event). None where an outer join found no row."""

    def __init__(self, cls: type[Any], name: str) -> None:
        table = class_mapper(cls).local_table
        super().__init__(name, *table.c)
        self.model = cls
        self.names = [c.key for c in table.c]
        (key,) = class_mapper(cls).primary_key
        self.key_at = self.names.index(str(key.key))

    def create_row_processor(self, query: Any, procs: Any, labels: Any) -> Any:
        cls, names, key_at = self.model, self.names, self.key_at

        def proc(row: Any) -> Any:
            values = [p(row) for p in procs]
            return None if values[key_at] is None else detached(cls, dict(zip(names, values, strict=True)))

        return proc
