"""Shared column helpers for the tables."""
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_field():  # type: ignore[no-untyped-def]
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


def ts_field(index: bool = False):  # type: ignore[no-untyped-def]
    """An optional aware timestamp column."""
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, index=index)
