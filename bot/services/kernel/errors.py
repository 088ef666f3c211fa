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
    key = "error.already_taken"


class InvalidInput(DomainError):
    key = "error.invalid_input"


class Conflict(DomainError):
    """The thing changed state since the button was drawn (stale or replayed press)."""

    key = "error.stale"
