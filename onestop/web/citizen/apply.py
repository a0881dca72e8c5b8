"""Apply online: the procedure's form rendered from its schema, uploads per part, one submission."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from onestop.domain import DomainError, NotFound
from onestop.domain.documents.store import electronic_store
from onestop.domain.dossiers.attachments import Upload
from onestop.domain.dossiers.drafts import discard_draft, draft_for, save_draft
from onestop.domain.dossiers.lifecycle import submit_online
from onestop.domain.procedures.catalogue import facts, version_by_code
from onestop.domain.procedures.forms import clean_form_data
from onestop.extensions import db
from onestop.infra.storage import detect_media_type
from onestop.web.security import citizen_required

from . import bp
from .registration import EMAIL, PHONE

RETURN_LABELS = {
    "desk": "Nhận tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính",
    "electronic": "Bản điện tử có chữ ký số (tải về trên trang hồ sơ)",
}


def field_key(name: str) -> str:
    """The HTML name of a form-schema field (prefixed so it never clashes with ours)."""
    return f"f_{name}"


def read_form_data(specs: list[dict], form) -> tuple[dict, dict[str, str]]:
    """The submitted values by schema name, and a message for every wrong field."""
    data, errors = {}, {}
    for spec in specs:
        raw = form.get(field_key(spec["name"]))
        if spec.get("type") == "bool":
            raw = raw is not None
        elif raw is not None:
            raw = raw.strip()
        try:
            data.update(clean_form_data({"fields": [spec]}, {spec["name"]: raw}))
        except DomainError as exc:
            errors[field_key(spec["name"])] = exc.message
    return data, errors


def _limit_mb(spec: dict) -> int:
    return min(spec.get("max_mb", 10), current_app.config.get("ONESTOP_MAX_UPLOAD_MB", 20))


def check_file(spec: dict, data: bytes) -> str | None:
    """Why this file cannot be accepted for the part, or None (size, then type from content)."""
    if not data:
        return f"«{spec['name']}»: tệp rỗng."
    if len(data) > _limit_mb(spec) * 1024 * 1024:
        return f"«{spec['name']}»: tệp lớn hơn {_limit_mb(spec)} MB."
    media_type = detect_media_type(data)
    if media_type not in spec.get("accept", []):
        return (
            f"«{spec['name']}»: nội dung tệp là {media_type}, không được chấp nhận; "
            f"hãy gửi {', '.join(spec.get('accept', []))}."
        )
    return None


def read_uploads(part_specs: list[dict], files, form, stored: dict, *, require_all: bool):
    """Uploads (or reused stored files) per part, the reuse choices, and a message per bad part."""
    from onestop.services import storage

    uploads, reused, errors = [], {}, {}
    for spec in part_specs:
        key = f"part_{spec['code']}"
        upload = files.get(key)
        choice = form.get(f"reuse_{spec['code']}", "")
        if upload is not None and upload.filename:
            data = upload.read(_limit_mb(spec) * 1024 * 1024 + 1)
            problem = check_file(spec, data)
            if problem:
                errors[key] = problem
            else:
                uploads.append(Upload(spec["code"], data, upload.filename))
        elif choice:
            item = stored.get(choice)
            if item is None:
                errors[key] = f"«{spec['name']}»: tệp đã chọn không có trong kho của bạn."
                continue
            uploads.append(Upload(spec["code"], storage().get(item.sha256), item.name))
            reused[spec["code"]] = item
        elif require_all and spec.get("required"):
            errors[key] = f"«{spec['name']}» là bắt buộc: tải tệp lên hoặc chọn từ kho dữ liệu."
    return uploads, reused, errors


def mark_reused(dossier, reused: dict) -> None:
    """Record which stored file each reused part came from."""
    for part in dossier.parts:
        item = reused.get(part.part_code)
        if item is None or part.blob_sha256 != item.sha256 or part.reused_from_id or part.note:
            continue
        if item.source == "part":
            part.reused_from_id = item.id
        else:
            part.note = f"Dùng lại từ kho dữ liệu: {item.name}"[:255]
    db.session.flush()


def stored_items(user) -> dict:
    """The applicant's stored files by form value ("part:12", "document:3")."""
    return {f"{item.source}:{item.id}": item for item in electronic_store(user)}


def error_key(exc: DomainError, version) -> str:
    """The HTML field a domain error belongs to."""
    definition = version.definition
    if exc.field in {s["name"] for s in definition["form"].get("fields", [])}:
        return field_key(exc.field)
    if exc.field in {p["code"] for p in definition.get("parts", [])}:
        return f"part_{exc.field}"
    return exc.field or "form"


def read_contact(form, errors: dict) -> dict:
    """The phone and e-mail for this dossier's notifications (messages added to `errors`)."""
    phone = "".join(form.get("phone", "").split())
    email = form.get("email", "").strip()
    if not PHONE.match(phone):
        errors["phone"] = "Số điện thoại gồm 10-11 chữ số, bắt đầu bằng 0 hoặc +84."
    if email and not EMAIL.match(email):
        errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    return {"phone": phone, "email": email or None}


def _version_or_404(code: str):
    try:
        return version_by_code(code)
    except NotFound:
        abort(404)


@bp.route("/nop/<code>", methods=["GET", "POST"])
@citizen_required
def apply(code: str):
    """The application form; on success the tracking page of the new dossier."""
    version = _version_or_404(code)
    user = current_user._get_current_object()
    definition = version.definition
    stored = stored_items(user)
    errors: dict[str, str] = {}
    draft = draft_for(user, version.procedure_id)
    values = dict(request.form) if request.method == "POST" else dict(draft.values if draft else {})
    if request.method == "POST" and request.form.get("action") == "draft":
        save_draft(user, version.procedure_id, request.form)
        db.session.commit()
        flash(
            "Đã lưu nháp. Bạn có thể quay lại hoàn thiện và nộp sau; "
            "các tệp đính kèm cần chọn lại khi nộp.",
            "success",
        )
        return redirect(url_for("citizen.apply", code=code))
    if request.method == "POST":
        form_data, errors = read_form_data(definition["form"].get("fields", []), request.form)
        uploads, reused, part_errors = read_uploads(
            definition.get("parts", []), request.files, request.form, stored, require_all=True
        )
        errors.update(part_errors)
        agency_id = request.form.get("agency", type=int)
        return_method = request.form.get("return_method", "")
        if return_method not in definition["return_methods"]:
            errors["return_method"] = "Chọn cách nhận kết quả."
        contact = read_contact(request.form, errors)
        if not errors:
            try:
                dossier = submit_online(
                    user,
                    version,
                    form_data,
                    uploads,
                    request.form.get("idempotency_key", ""),
                    agency_id=agency_id,
                    return_method=return_method,
                    contact=contact,
                )
                mark_reused(dossier, reused)
                discard_draft(user, version.procedure_id)
            except DomainError as exc:
                db.session.rollback()
                errors[error_key(exc, version)] = exc.message
            else:
                db.session.commit()
                flash(
                    "Đã nộp hồ sơ. Mã hồ sơ được cấp khi Bộ phận Một cửa tiếp nhận; "
                    "bạn sẽ nhận được thông báo.",
                    "success",
                )
                return redirect(url_for("citizen.dossier", dossier_id=dossier.id))
    key = request.form.get("idempotency_key") or secrets.token_hex(16)
    return render_template(
        "citizen/apply.html",
        facts=facts(version),
        values=values,
        errors=errors,
        key=key,
        stored=stored,
        return_labels=RETURN_LABELS,
        user=user,
        field_key=field_key,
        draft=draft,
    ), (400 if errors else 200)
