"""The atomic pieces of the request loop: take a slot (接单), give it back, finish it.

Each function runs inside the caller's transaction. Taking a slot is one conditional
`UPDATE ... WHERE status = 'open' AND slots_taken < slots RETURNING`, so with many
volunteers pressing Accept at once exactly as many win as there are slots, on SQLite
(BEGIN IMMEDIATE serialises writers) and on PostgreSQL (the row lock re-checks the WHERE).
"""

from .ending import Finished, end_assignments, finish, give_back
from .locks import LOCK_COLUMNS, lock_claim, lock_volunteer
from .status import set_status
from .take import Refused, Slot, holds, take_slot
from .unit import (
    LIVE_CLAIM,
    REMIND_KEY,
    ClaimGivenBack,
    add_member,
    claiming_units,
    end_unit_claims,
    give_back_unit_claim,
    lock_unit_claim,
    take_for_unit,
    unassigned_claims,
    waiting_claims,
)

__all__ = [
    "LIVE_CLAIM",
    "REMIND_KEY",
    "ClaimGivenBack",
    "LOCK_COLUMNS",
    "Finished",
    "Refused",
    "Slot",
    "add_member",
    "claiming_units",
    "end_assignments",
    "end_unit_claims",
    "finish",
    "give_back",
    "give_back_unit_claim",
    "holds",
    "lock_claim",
    "lock_unit_claim",
    "lock_volunteer",
    "set_status",
    "take_for_unit",
    "take_slot",
    "unassigned_claims",
    "waiting_claims",
]
