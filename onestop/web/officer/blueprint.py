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


def visible_dossier(dossier_id: int):
    """The dossier, if the signed-in officer works where it is received or handled (else 404)."""
    from onestop.domain.dossiers.models import Dossier

    dossier = get_or_404(Dossier, dossier_id)
    if not officer_sees(me(), dossier):
        abort(404)
    return dossier


def officer_sees(user, dossier) -> bool:
    """Does the officer work (or act for someone) where the dossier is received or handled?"""
    from sqlalchemy import select

    from onestop.domain.delegation.authority import own_positions
    from onestop.domain.delegation.queries import on_behalf_capacities
    from onestop.domain.workflow.models import Task
    from onestop.infra import clock

    at = clock.now()
    agencies = {p.agency_id for p in own_positions(user, at)}
    agencies |= {c.principal_position.agency_id for c in on_behalf_capacities(user, at)}
    if dossier.receiving_agency_id in agencies:
        return True
    handled = db.session.scalar(
        select(Task.id).where(Task.dossier_id == dossier.id, Task.agency_id.in_(agencies)).limit(1)
    )
    return handled is not None


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
