"""Errors answered like the Bot API does."""

from __future__ import annotations

from typing import Any, TypeAlias

Json: TypeAlias = dict[str, Any]  # a Bot API object, as JSON


class ApiError(Exception):
    """An error answered like Telegram: {"ok": false, "error_code", "description"}."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def to_dict(self) -> Json:
        d: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            d["parameters"] = {"retry_after": self.retry_after}
        return d


def bad(desc: str) -> ApiError:
    return ApiError(400, f"Bad Request: {desc}")
