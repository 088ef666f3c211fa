"""Keeping loaded rows in step with the statements that change them, without reading them back."""
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value


def set_committed(obj: Any, **values: Any) -> None:
    """Record on a loaded row what an UPDATE just wrote to it: instead of `session.refresh` (a SELECT
    of every column), and without marking the row changed (which would write it again)."""
    for key, value in values.items():
        set_committed_value(obj, key, value)
