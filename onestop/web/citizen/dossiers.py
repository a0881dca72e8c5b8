"""My dossiers: the list, one dossier's tracking page, and the applicant's actions on it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from onestop.domain import DomainError
from onestop.domain.documents.operations import documents_of
from onestop.domain.dossiers.drafts import drafts_of
from onestop.domain.dossiers.lifecycle import complete_supplement, rate, withdraw
from onestop.domain.dossiers.models import Dossier
from onestop.domain.dossiers.queries import current_steps, dossiers_of, timeline
from onestop.extensions import db
from onestop.web.security import citizen_required

from . import bp
from .apply import read_form_data, read_uploads, stored_items

RATEABLE = ("processed", "returned", "refused", "withdrawn")


def own_dossier_or_404(dossier_id: int) -> Dossier:
    """The current citizen's dossier; 404 for anyone else's (its existence is not revealed)."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.applicant_id != current_user.id:
        abort(404)
    return dossier


def open_supplement(dossier):
    """The supplement request being awaited, if any."""
    return next((p for p in dossier.pauses if p.kind == "supplement" and p.ended_at is None), None)


@bp.get("/ho-so")
@citizen_required
def dossiers():
    """My dossiers with status, due date, current step and unit."""
    rows = [(d, current_steps(d) if d.is_open else []) for d in dossiers_of(current_user)]
    return render_template("citizen/dossiers.html", rows=rows, drafts=drafts_of(current_user))


def _render(dossier, errors=None, status=200):
    documents = documents_of(dossier)
    return render_template(
        "citizen/dossier.html",
        dossier=dossier,
        steps=current_steps(dossier),
        timeline=timeline(dossier),
        documents=documents,
        supplement=open_supplement(dossier),
        errors=errors or {},
        rateable=dossier.status in RATEABLE and dossier.rating is None,
        stored=stored_items(current_user) if dossier.status == "supplement_requested" else {},
        values=request.form if errors else {},
    ), status


@bp.get("/ho-so/<int:dossier_id>")
@citizen_required
def dossier(dossier_id: int):
    """The tracking page: status, due date, open steps, timeline, papers and results."""
    return _render(own_dossier_or_404(dossier_id))


@bp.post("/ho-so/<int:dossier_id>/bo-sung")
@citizen_required
def supplement(dossier_id: int):
    """Send the documents (and corrected form fields) the desk asked for."""
    dossier = own_dossier_or_404(dossier_id)
    definition = dossier.procedure_version.definition
    user = current_user._get_current_object()
    uploads, _reused, errors = read_uploads(
        definition.get("parts", []),
        request.files,
        request.form,
        stored_items(user),
        require_all=False,
    )
    corrected = {
        spec["name"]: spec
        for spec in definition["form"].get("fields", [])
        if request.form.get(f"f_{spec['name']}", "").strip()
    }
    form_data, form_errors = read_form_data(list(corrected.values()), request.form)
    errors.update(form_errors)
    if not errors:
        try:
            complete_supplement(dossier, user, uploads, form_data=form_data or None)
        except DomainError as exc:
            db.session.rollback()
            errors[
                f"part_{exc.field}"
                if exc.field in {p["code"] for p in definition["parts"]}
                else exc.field or "form"
            ] = exc.message
        else:
            db.session.commit()
            flash("Đã gửi hồ sơ bổ sung.", "success")
            return redirect(url_for("citizen.dossier", dossier_id=dossier.id))
    return _render(dossier, errors, 400)


@bp.post("/ho-so/<int:dossier_id>/rut")
@citizen_required
def withdrawal(dossier_id: int):
    """Withdraw the dossier (form 05); a reason is required."""
    dossier = own_dossier_or_404(dossier_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        return _render(dossier, {"reason": "Nêu lý do rút hồ sơ."}, 400)
    try:
        withdraw(dossier, current_user._get_current_object(), reason)
    except DomainError as exc:
        db.session.rollback()
        return _render(dossier, {exc.field or "reason": exc.message}, 400)
    db.session.commit()
    flash("Đã rút hồ sơ.", "success")
    return redirect(url_for("citizen.dossier", dossier_id=dossier.id))


@bp.post("/ho-so/<int:dossier_id>/danh-gia")
@citizen_required
def rating(dossier_id: int):
    """Rate the service once the dossier is finished (1 to 5 stars, once)."""
    dossier = own_dossier_or_404(dossier_id)
    stars = request.form.get("stars", type=int)
    try:
        rate(
            dossier,
            current_user._get_current_object(),
            stars if stars is not None else 0,
            request.form.get("comment", "").strip()[:2000] or None,
            complaint=request.form.get("complaint") == "on",
        )
    except DomainError as exc:
        db.session.rollback()
        message = (
            "Chọn từ 1 đến 5 sao." if exc.field == "stars" and exc.status == 400 else exc.message
        )
        return _render(dossier, {"stars": message}, exc.status)
    db.session.commit()
    flash("Cảm ơn bạn đã đánh giá.", "success")
    return redirect(url_for("citizen.dossier", dossier_id=dossier.id))
