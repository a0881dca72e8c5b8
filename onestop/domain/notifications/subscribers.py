"""Tell the applicant about every status change of their dossier (see messages.EVENTS)."""

from __future__ import annotations

from onestop.domain.dossiers.events import on

from .messages import EVENTS
from .operations import notify


def _subscriber(event: str):
    def handler(dossier, **_kw) -> None:
        notify(event, dossier)

    handler.__name__ = f"notify_{event}"
    handler.__doc__ = f"Notify the applicant that the dossier is {event}."
    return on(event)(handler)


HANDLERS = {event: _subscriber(event) for event in EVENTS}
