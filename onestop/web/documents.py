"""Papers and results on the web: officers watch rendering and retry failures; applicants download
and keep their results in the electronic store."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from onestop.domain.documents.models import STATES, Document
from onestop.domain.documents.operations import retry_document
from onestop.domain.documents.store import electronic_store
from onestop.extensions import db
from onestop.web.main import landing_link
from onestop.web.security import citizen_required, officer_required, role_required

bp = Blueprint("documents", __name__)
landing_link(
    "officer",
    "documents.officer_list",
    "Văn bản, giấy tờ",
    "Tình trạng ký số các phiếu và kết quả; thử lại khi lỗi",
)
landing_link(
    "citizen",
    "documents.store",
    "Kho dữ liệu điện tử",
    "Kết quả và giấy tờ đã nộp, dùng lại cho hồ sơ sau",
)


def _visible(document: Document) -> bool:
    """Officers see every document; an applicant sees those of their own dossiers."""
    if current_user.kind in ("officer", "admin"):
        return True
    return document.dossier is not None and document.dossier.applicant_id == current_user.id


def _document_or_404(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or not _visible(document):
        abort(404)
    return document


@bp.route("/can-bo/van-ban")
@officer_required
def officer_list():
    """Documents by state (failed first by default), with attempts and the last error."""
    state = request.args.get("state", "failed")
    if state not in STATES:
        state = "failed"
    rows = db.session.scalars(
        select(Document).where(Document.state == state).order_by(Document.id.desc()).limit(200)
    ).all()
    return render_template(
        "documents/officer_list.html", documents=rows, state=state, states=STATES
    )


@bp.route("/can-bo/van-ban/<int:document_id>/thu-lai", methods=["POST"])
@officer_required
def retry(document_id: int):
    """Send a failed document back to rendering."""
    document = _document_or_404(document_id)
    retry_document(document, current_user._get_current_object())
    db.session.commit()
    flash("Đã gửi lại yêu cầu tạo và ký văn bản.")
    return redirect(url_for("documents.officer_list", state="pending"))


@bp.route("/van-ban/<int:document_id>/tai-ve")
@role_required("citizen", "officer", "admin")
def download(document_id: int):
    """The signed PDF."""
    from onestop.services import storage

    document = _document_or_404(document_id)
    if document.state != "signed":
        abort(404)
    name = f"{document.kind}-{document.verification_code}.pdf"
    return send_file(
        BytesIO(storage().get(document.blob_sha256)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
    )


@bp.route("/api/v1/documents/<int:document_id>")
@role_required("citizen", "officer", "admin")
def progress(document_id: int):
    """Progress of one document for polling: state, attempts, error, number, download link."""
    document = _document_or_404(document_id)
    signed = document.state == "signed"
    return jsonify(
        {
            "id": document.id,
            "kind": document.kind,
            "state": document.state,
            "attempts": document.attempts,
            "error": document.error if current_user.kind != "citizen" else None,
            "number": document.symbol,
            "verification_code": document.verification_code if signed else None,
            "download": url_for("documents.download", document_id=document.id) if signed else None,
        }
    )


@bp.route("/cong-dan/kho-du-lieu")
@citizen_required
def store():
    """The applicant's electronic store."""
    return render_template(
        "documents/store.html", items=electronic_store(current_user._get_current_object())
    )
