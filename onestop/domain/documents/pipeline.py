"""Render a document to PDF and sign it: the signer (results) then the organisation's seal."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from onestop.domain.dossiers.models import Blob
from onestop.extensions import db
from onestop.infra import clock
from onestop.infra.signing import (
    Identity,
    SignatureRequest,
    Stamp,
    pki_path,
    signing_backend,
    timestamper,
)

from .context import LOCAL
from .images import load_specimen, seal_image, signature_image
from .models import Document
from .render import qr_data_uri, render_template_pdf

SEAL_SIZE_PT = 102.0  # a 36 mm seal at real size


def iso_local(at) -> str:
    """ISO 8601 with the Vietnam offset, e.g. 2026-12-03T10:15:00+07:00."""
    return at.astimezone(LOCAL).isoformat(timespec="seconds")


def verify_url(code: str) -> str:
    return f"{current_app.config['ONESTOP_PUBLIC_URL'].rstrip('/')}/verify/{code}"


def template_context(document: Document) -> dict:
    """The frozen context plus what only exists once numbered: symbol, QR, verification URL."""
    url = verify_url(document.verification_code)
    return {
        **document.context,
        "title": document.title,
        "symbol": document.symbol,
        "verification_code": document.verification_code,
        "verify": {"url": url, "qr": qr_data_uri(url)},
    }


def _seal_box(signer_box):
    """The seal at real size, overlapping the left third of the signature box."""
    left, bottom, right, top = signer_box
    centre_y = (bottom + top) / 2
    seal_right = left + (right - left) / 3
    return (
        seal_right - SEAL_SIZE_PT,
        centre_y - SEAL_SIZE_PT / 2,
        seal_right,
        centre_y + SEAL_SIZE_PT / 2,
    )


def _specimen(label: str | None):
    """A scanned signature or seal in instance/pki/images/<label>.png, when one was provided."""
    return load_specimen(pki_path(current_app) / "images", label) if label else None


def _seal(organisation: Identity):
    return _specimen(organisation.label) or seal_image(organisation.common_name)


def _organisation(document: Document) -> Identity:
    agency = document.agency
    return Identity(document.organisation_key, agency.name, organisation=agency.name)


def render_and_sign(document: Document) -> bytes:
    """Produce the signed PDF bytes of `document` (no database writes)."""
    rendered = render_template_pdf(document.template, template_context(document))
    backend = signing_backend()
    tsa = timestamper()
    place = document.context.get("issuer", {}).get("place") or ""
    reason = f"{document.title} - mã xác thực {document.verification_code}"
    page, box = rendered.boxes.get("sig-signer", (0, (380.0, 80.0, 555.0, 155.0)))
    signed_at = clock.now()
    pdf = rendered.pdf
    organisation = _organisation(document)
    if document.signer_key:
        signer = Identity(
            document.signer_key,
            document.signer_name or "",
            organisation=organisation.organisation,
            title=document.signer_title,
        )
        text = (
            f"Ký bởi: {document.signer_name}\n{document.signer_title or ''}\n"
            f"Thời gian ký: {iso_local(signed_at)}"
        )
        image = _specimen(document.signer_key) or signature_image(document.signer_name or "")
        pdf = backend.sign(
            pdf,
            SignatureRequest(
                signer, "Signer", reason, place, Stamp(page, box, text, image, font_size=8)
            ),
            timestamper=tsa,
        ).data
        seal_stamp = Stamp(page, _seal_box(box), "", _seal(organisation))
    else:
        text = f"Ký bởi: {organisation.common_name}\nThời gian ký: {iso_local(signed_at)}"
        seal_stamp = Stamp(page, box, text, _seal(organisation), font_size=8)
    result = backend.sign(
        pdf,
        SignatureRequest(organisation, "Organisation", reason, place, seal_stamp),
        timestamper=tsa,
    )
    document.page_count = rendered.page_count
    document.signed_at = signed_at
    document.certificate_subject = result.certificate_subject[:400]
    document.certificate_sha256 = result.certificate_sha256
    return result.data


def store_pdf(data: bytes) -> str:
    """Keep the bytes in the file store and register the blob; returns its sha256."""
    from onestop.services import storage

    sha256 = storage().put(data)
    if db.session.get(Blob, sha256) is None:
        db.session.add(Blob(sha256=sha256, size=len(data), media_type="application/pdf"))
    return sha256


def claim(document_id: int, stale_after_minutes: int) -> Document | None:
    """Lock the document and mark it rendering, or None when there is nothing to do.

    Nothing to do: already signed, or another worker started it less than the limit ago.
    """
    document = db.session.execute(
        select(Document).where(Document.id == document_id).with_for_update()
    ).scalar_one_or_none()
    if document is None or document.state == "signed":
        return None
    now = clock.now()
    if (
        document.state == "rendering"
        and document.render_started_at
        and (now - document.render_started_at < timedelta(minutes=stale_after_minutes))
    ):
        return None
    document.state = "rendering"
    document.render_started_at = now
    document.attempts += 1
    document.error = None
    db.session.flush()
    return document


def finish(document: Document, data: bytes) -> None:
    """Record the signed file; from here on the document is immutable."""
    document.blob_sha256 = store_pdf(data)
    document.state = "signed"
    document.error = None
    db.session.flush()


def fail(document_id: int, error: BaseException) -> None:
    """Record why rendering failed so the officer can see it and retry."""
    document = db.session.get(Document, document_id)
    if document is None or document.state == "signed":
        return
    document.state = "failed"
    document.error = f"{type(error).__name__}: {error}"[:2000]
    document.render_started_at = None
    db.session.flush()
