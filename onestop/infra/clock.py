"""The clock the domain reads; tests replace it to travel in time."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant in UTC (or the frozen one in tests)."""
    return _frozen or datetime.now(UTC)


def freeze(instant: datetime | None) -> None:
    """Fix the clock at an aware instant; None lets it run again."""
    global _frozen
    if instant is not None and instant.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = instant
