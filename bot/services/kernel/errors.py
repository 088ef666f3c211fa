"""Domain errors: each carries a catalog key and parameters; one place renders them."""

from typing import Any


class DomainError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)


class NotAllowed(DomainError):
    key = "error.not_allowed"


class NotFound(DomainError):
    key = "error.not_found"


class AlreadyTaken(DomainError):
    """Every slot went to others: the button's moment has passed (a stale press, see Conflict)."""

    key = "error.already_taken"


class InvalidInput(DomainError):
    key = "error.invalid_input"


class Conflict(DomainError):
    """The thing changed state since the button was drawn (stale or replayed press): the press is
    answered in one line and its keyboard taken off the message (handlers.base.stale_press)."""

    key = "error.stale"
    for_everyone = True  # the button's moment has passed for whoever presses it


class NotForYou(Conflict):
    """The moment has passed for the person pressing only (the event is full for a newcomer, the task
    is theirs already): said so; a keyboard others share (a card in a group) stays for them."""

    for_everyone = False


class AlreadyYours(NotForYou):
    """The person pressing already holds what the button offers (a task they took)."""
