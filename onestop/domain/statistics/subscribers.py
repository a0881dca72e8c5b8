"""Keep the statistics facts current: every dossier event refreshes them in the same transaction."""

from __future__ import annotations

from onestop.domain.dossiers.events import EVENTS, on
from onestop.domain.statistics.facts import refresh_fact


def refresh_on_event(dossier, **_kw) -> None:
    """Refresh the dossier's facts after any lifecycle event (flushes, never commits)."""
    refresh_fact(dossier)


for _event in EVENTS:
    on(_event)(refresh_on_event)
