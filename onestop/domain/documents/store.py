"""The applicant's electronic store: signed results and submitted files, reusable later."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from onestop.domain import DomainError, Forbidden, NotFound
from onestop.domain.audit.log import record
from onestop.domain.dossiers.models import Dossier, DossierPart
from onestop.extensions import db

from .models import Document

REUSABLE_STATUSES = ("draft", "submitted", "supplement_requested")


@dataclass(frozen=True)
class StoredItem:
    """One file in the store: a signed result or paper, or a document the applicant submitted."""

    source: str  # "document" or "part"
    id: int
    name: str
    dossier_code: str | None
    sha256: str
    at: object


def electronic_store(applicant) -> list[StoredItem]:
    """Everything the applicant holds electronically, newest first."""
    documents = db.session.scalars(
        select(Document)
        .join(Dossier, Dossier.id == Document.dossier_id)
        .where(Dossier.applicant_id == applicant.id, Document.state == "signed")
        .order_by(Document.signed_at.desc())
    ).all()
    parts = db.session.scalars(
        select(DossierPart)
        .join(Dossier, Dossier.id == DossierPart.dossier_id)
        .where(
            Dossier.applicant_id == applicant.id,
            DossierPart.blob_sha256.is_not(None),
            DossierPart.reused_from_id.is_(None),
        )
        .order_by(DossierPart.created_at.desc())
    ).all()
    items = [
        StoredItem(
            "document",
            d.id,
            f"{d.title} {d.symbol or ''}".strip(),
            d.dossier.code if d.dossier else None,
            d.blob_sha256,
            d.signed_at,
        )
        for d in documents
    ]
    items += [
        StoredItem("part", p.id, p.name, p.dossier.code, p.blob_sha256, p.created_at) for p in parts
    ]
    return items


def reuse(dossier, applicant, *, part_code: str, source: str, item_id: int) -> DossierPart:
    """Attach a stored file to a new dossier's part instead of uploading it again."""
    if dossier.applicant_id != applicant.id:
        raise Forbidden("Only the applicant can add documents to this dossier.", field="dossier")
    if dossier.status not in REUSABLE_STATUSES:
        raise DomainError(
            f"Documents cannot be added while the dossier is {dossier.status}.", field="status"
        )
    parts = {
        p.get("code"): p for p in (dossier.procedure_version.definition or {}).get("parts", [])
    }
    if part_code not in parts:
        raise DomainError(f"'{part_code}' is not a part of this procedure.", field="part_code")
    if source == "document":
        document = db.session.get(Document, item_id)
        if document is None or document.state != "signed":
            raise NotFound("No signed document with that id.", field="item_id")
        if document.dossier is None or document.dossier.applicant_id != applicant.id:
            raise Forbidden("That document belongs to someone else.", field="item_id")
        part = DossierPart(
            dossier_id=dossier.id,
            part_code=part_code,
            name=parts[part_code].get("name") or document.title,
            blob_sha256=document.blob_sha256,
            copy_kind="electronic",
            note=f"Kết quả điện tử {document.symbol or document.verification_code}",
        )
    elif source == "part":
        original = db.session.get(DossierPart, item_id)
        if original is None or original.blob_sha256 is None:
            raise NotFound("No stored file with that id.", field="item_id")
        if original.dossier.applicant_id != applicant.id:
            raise Forbidden("That file belongs to someone else.", field="item_id")
        part = DossierPart(
            dossier_id=dossier.id,
            part_code=part_code,
            name=parts[part_code].get("name") or original.name,
            blob_sha256=original.blob_sha256,
            filename=original.filename,
            copy_kind=original.copy_kind,
            reused_from_id=original.id,
        )
    else:
        raise DomainError("source must be 'document' or 'part'.", field="source")
    db.session.add(part)
    db.session.flush()
    record(
        "dossier:part:reuse",
        f"dossier:{dossier.code or dossier.id}",
        actor=applicant,
        part_code=part_code,
        source=source,
        item_id=item_id,
    )
    return part
