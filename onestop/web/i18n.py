"""Language and time-zone selection: Vietnamese by default, English on request."""

from __future__ import annotations

from flask import current_app, request, session

LANGUAGES = ("vi", "en")


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "vi" if request else "vi"


def select_timezone() -> str:
    return current_app.config["ONESTOP_TIMEZONE"]
