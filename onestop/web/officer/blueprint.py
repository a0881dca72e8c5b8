"""The officer workspace blueprint (/can-bo) and the helpers its views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, request
from flask_login import current_user

from onestop.extensions import db

bp = Blueprint("officer", __name__, url_prefix="/can-bo")


def me():
    """The logged-in officer as a model instance (not the proxy)."""
    return current_user._get_current_object()


def get_or_404(model, ident: int):
    """A row by primary key, or 404."""
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    return row


def back_to(default: str) -> str:
    """The page a form came from (`back` field), kept inside the workspace; else `default`."""
    target = request.form.get("back") or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/can-bo/"):
        return default
    return target


def form_text(name: str) -> str:
    """A stripped form field ('' when absent)."""
    return (request.form.get(name) or "").strip()
