"""Desk intake of a paper or postal dossier: find or register the applicant, scan the parts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.dossiers import lifecycle
from onestop.domain.dossiers.attachments import Upload
from onestop.domain.org.models import Agency
from onestop.domain.procedures.catalogue import current_versions, version_by_code
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.security import officer_required

from .applicants import find_applicant, find_or_register_applicant
from .blueprint import bp, form_text, me
from .desk import desk_agency_ids

COPY_KINDS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao chứng thực",
    "electronic": "Bản điện tử",
}


def _desk_agencies(at) -> list[Agency]:
    ids = desk_agency_ids(me(), at)
    return list(
        db.session.scalars(select(Agency).where(Agency.id.in_(ids or [-1])).order_by(Agency.name))
    )


def _versions(agencies) -> list:
    seen, versions = set(), []
    for agency in agencies:
        for version in current_versions(agency_key=agency.key):
            if version.id not in seen:
                seen.add(version.id)
                versions.append(version)
    return sorted(versions, key=lambda v: v.procedure.code)


def _uploads(version) -> list[Upload]:
    uploads = []
    for spec in version.definition["parts"]:
        for storage in request.files.getlist(f"part_{spec['code']}"):
            if storage and storage.filename:
                uploads.append(
                    Upload(
                        spec["code"],
                        storage.read(),
                        storage.filename,
                        request.form.get(f"copy_{spec['code']}") or "copy",
                    )
                )
    return uploads


def _form_data(version) -> dict:
    return {
        spec["name"]: request.form.get(f"field_{spec['name']}", "")
        for spec in version.definition["form"].get("fields", [])
        if request.form.get(f"field_{spec['name']}", "") != ""
    }


def _agency_id(agencies, version) -> int | None:
    """The chosen receiving agency; by default the officer's only desk that takes the procedure."""
    chosen = request.form.get("agency_id", "")
    if chosen.isdigit():
        return int(chosen)
    mine = [a.id for a in agencies if a.key in version.definition["agencies"]]
    return mine[0] if len(mine) == 1 else None


def _render(agencies, version, errors=None, status=200, form=None):
    return render_template(
        "officer/intake.html",
        agencies=agencies,
        versions=_versions(agencies),
        version=version,
        errors=errors or {},
        form=request.form if form is None else form,
        copy_kinds=COPY_KINDS,
    ), status


def _prefill() -> dict:
    """The known applicant's details for a GET with `id_number` (the desk looks them up first)."""
    applicant = find_applicant(request.args.get("id_number", ""))
    if applicant is None:
        return {"id_number": request.args.get("id_number", "")}
    return {
        "id_number": applicant.id_number or applicant.username,
        "full_name": applicant.full_name,
        "phone": applicant.phone or "",
        "email": applicant.email or "",
        "address": applicant.address or "",
        "found": "1",
    }


@bp.route("/mot-cua/tiep-nhan-ho-so-giay", methods=["GET", "POST"])
@officer_required
def intake():
    """Register a walk-in or postal dossier: it is received at once (code, due date, form 01)."""
    at = clock.now()
    agencies = _desk_agencies(at)
    code = request.values.get("procedure", "").strip()
    version = None
    if code:
        try:
            version = version_by_code(code)
        except DomainError as exc:
            return _render(agencies, None, {"procedure": exc.message}, exc.status)
    if request.method == "GET" or version is None:
        return _render(agencies, version, form=_prefill())
    try:
        applicant = find_or_register_applicant(
            me(),
            id_number=form_text("id_number"),
            full_name=form_text("full_name"),
            phone=form_text("phone"),
            email=form_text("email"),
            address=form_text("address"),
            at=at,
        )
        dossier = lifecycle.register_at_desk(
            me(),
            version,
            applicant,
            _form_data(version),
            _uploads(version),
            agency_id=_agency_id(agencies, version),
            channel=form_text("channel") or "desk",
            return_method=form_text("return_method") or "desk",
            contact={
                "name": form_text("full_name"),
                "phone": form_text("phone"),
                "email": form_text("email"),
                "address": form_text("address"),
                "id_number": form_text("id_number"),
            },
            at=at,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        errors = {exc.field or "form": exc.message}
        return _render(_desk_agencies(at), version_by_code(code), errors, exc.status)
    flash(
        f"Đã tiếp nhận hồ sơ {dossier.code}; Giấy tiếp nhận (mẫu 01) đang được tạo và ký.",
        "success",
    )
    return redirect(url_for("officer.dossier", dossier_id=dossier.id))
