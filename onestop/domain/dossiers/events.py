"""Lifecycle events: verbs announce what happened; other features subscribe with `@on(name)`.

Subscribers run inside the caller's transaction: they may add rows and flush, or
`queue().defer(...)` work for after the commit, but never commit themselves. A feature registers
its subscriber module by appending its dotted path to SUBSCRIBERS (imported on first emit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from importlib import import_module

EVENTS = (
    "submitted",
    "received",
    "supplement_requested",
    "supplement_completed",
    "refused",
    "withdrawn",
    "cancelled",
    "suspended",
    "resumed",
    "processed",
    "returned",
    "apologised",
    "step_done",
    "rated",
)

# Dotted module paths whose import registers subscribers, e.g. "onestop.domain.documents.papers".
SUBSCRIBERS: list[str] = [
    "onestop.domain.statistics.subscribers",
    "onestop.domain.documents.subscribers",
    "onestop.domain.notifications.subscribers",
]

_handlers: dict[str, list[Callable]] = defaultdict(list)
_loaded = False


def on(event_name: str):
    """Register the decorated function(dossier, **kw) for an event."""
    if event_name not in EVENTS:
        raise ValueError(f"unknown dossier event {event_name!r}; known: {', '.join(EVENTS)}")

    def register(func: Callable) -> Callable:
        if func not in _handlers[event_name]:
            _handlers[event_name].append(func)
        return func

    return register


def _load_subscribers() -> None:
    global _loaded
    if not _loaded:
        for path in SUBSCRIBERS:
            import_module(path)
        _loaded = True


def emit(event_name: str, dossier, **kw) -> None:
    """Call every subscriber of `event_name` in registration order."""
    if event_name not in EVENTS:
        raise ValueError(f"unknown dossier event {event_name!r}")
    _load_subscribers()
    for handler in list(_handlers[event_name]):
        handler(dossier, **kw)


def subscribers(event_name: str) -> list[Callable]:
    """The functions registered for an event (for tests and diagnostics)."""
    _load_subscribers()
    return list(_handlers[event_name])
