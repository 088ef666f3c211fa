"""The atomic pieces of the request loop: take a slot (接单), give it back, finish it.

Each function runs inside the caller's transaction. Taking a slot is one conditional
`UPDATE ... WHERE status = 'open' AND slots_taken < slots RETURNING`, so with many
volunteers pressing Accept at once exactly as many win as there are slots, on SQLite
(BEGIN IMMEDIATE serialises writers) and on PostgreSQL (the row lock re-checks the WHERE).
"""

from .ending import Finished, end_assignments, finish, give_back
from .locks import LOCK_COLUMNS, lock_claim
from .status import set_status
from .take import Refused, Slot, holds, take_slot

__all__ = [
    "LOCK_COLUMNS",
    "Finished",
    "Refused",
    "Slot",
    "end_assignments",
    "finish",
    "give_back",
    "holds",
    "lock_claim",
    "set_status",
    "take_slot",
]
