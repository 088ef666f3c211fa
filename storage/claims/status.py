"""A request's status moved from the expected ones to the next, as one prebuilt statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..enums import RequestStatus
from ..models import HelpRequest, table_of

_HR = table_of(HelpRequest)

# one prebuilt Core statement per set of extra columns: an ORM-enabled UPDATE built on every call (and
# its session synchronisation) was a quarter of a confirmation's CPU; callers keep their copies current
_set_status: dict[tuple[str, ...], Any] = {}


async def set_status(
    session: AsyncSession, request_id: int, expected: list[str], new: RequestStatus, **values: object
) -> bool:
    """Move a request from one of `expected` statuses to `new` (and set `values`); False if it was in
    another state. Objects in the session are not updated: the caller refreshes or sets its copy."""
    keys = tuple(sorted(values))
    stmt = _set_status.get(keys)
    if stmt is None:
        stmt = _set_status[keys] = (
            update(_HR)
            .where(_HR.c.id == bindparam("rid"), _HR.c.status.in_(bindparam("expected", expanding=True)))
            .values(status=bindparam("new"), **{k: bindparam(f"v_{k}", type_=_HR.c[k].type) for k in keys})
            .returning(_HR.c.id)
        )
    params: dict[str, Any] = {"rid": request_id, "expected": list(expected), "new": new.value}
    params.update({f"v_{k}": v for k, v in values.items()})
    return (await (await session.connection()).execute(stmt, params)).first() is not None
