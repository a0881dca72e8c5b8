"""Public verification of signed documents: /verify (upload), /verify/<code>, /api/v1/verify."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, jsonify, render_template, request, send_file

from onestop.domain.documents.verification import describe, find_by_code, verify_pdf
from onestop.extensions import csrf

bp = Blueprint("verify", __name__)
MAX_PDF_BYTES = 20 * 1024 * 1024


def _uploaded_pdf() -> bytes | None:
    upload = request.files.get("file")
    if upload is None:
        return None
    data = upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        abort(413)
    return data


@bp.route("/verify", methods=["GET", "POST"])
def verify_page():
    """Upload a PDF and read, in plain words, whether it is a document we issued, untouched."""
    report = None
    missing = False
    if request.method == "POST":
        data = _uploaded_pdf()
        missing = not data
        report = verify_pdf(data) if data else None
    return render_template("verify/verify.html", report=report, missing=missing, document=None)


@bp.route("/verify/<code>")
def verify_code(code: str):
    """What the QR code opens: the document the code names, and the upload form to compare."""
    document = find_by_code(code)
    if document is None or document.state != "signed":
        abort(404)
    return render_template(
        "verify/verify.html",
        report=None,
        missing=False,
        document=describe(document),
        code=document.verification_code,
    )


@bp.route("/verify/<code>/pdf")
def download(code: str):
    """The issued PDF itself, for anyone holding its verification code."""
    from onestop.services import storage

    document = find_by_code(code)
    if document is None or document.state != "signed":
        abort(404)
    return send_file(
        BytesIO(storage().get(document.blob_sha256)),
        mimetype="application/pdf",
        download_name=f"{document.verification_code}.pdf",
    )


@bp.route("/api/v1/verify", methods=["POST"])
@csrf.exempt
def verify_api():
    """JSON: valid, trusted, unchanged, the matching document, and every reason it fails."""
    data = _uploaded_pdf() if request.files else request.get_data(cache=False)
    if not data:
        return jsonify(
            {
                "message": "Gửi tệp PDF trong trường 'file' (multipart/form-data) hoặc "
                "làm nội dung yêu cầu (application/pdf).",
                "status": 400,
                "errors": {"file": ["required"]},
            }
        ), 400
    return jsonify(verify_pdf(data).as_dict())
