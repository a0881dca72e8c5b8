"""Check an uploaded PDF: signatures valid and trusted, bytes unchanged, which result it is."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from onestop.extensions import db
from onestop.infra.signing import signing_backend

from .context import LOCAL
from .models import Document

CODE_IN_REASON = re.compile(r"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")
# Later revisions that only add signatures, form data or validation data leave a signature standing.
_HARMLESS = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}

MESSAGES = {
    "not_pdf": "Tệp tải lên không phải là tệp PDF.",
    "unreadable": "Tệp PDF bị hỏng, không đọc được cấu trúc văn bản.",
    "unsigned": "Văn bản không có chữ ký số.",
    "signature_broken": "Chữ ký số không hợp lệ: nội dung đã bị thay đổi sau khi ký "
    "hoặc chữ ký bị hỏng.",
    "untrusted": "Chứng thư số của người ký không thuộc tổ chức cung cấp dịch vụ tin cậy.",
    "modified_after_signing": "Văn bản đã bị sửa đổi hoặc bổ sung sau khi ký.",
    "unknown_document": "Không tìm thấy văn bản tương ứng trong hệ thống.",
    "differs_from_issued": "Tệp khác với bản điện tử do hệ thống cấp.",
    "not_yet_signed": "Văn bản chưa được ký số xong.",
}


@dataclass
class SignatureCheck:
    field: str
    signer: str
    signing_time: str | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    modification: str | None
    timestamped: bool = False


@dataclass
class VerificationReport:
    """The answer to 'is this our document, untouched, properly signed?' and why not."""

    sha256: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    document: Document | None = None

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.intact and s.valid for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return self.valid and all(s.trusted for s in self.signatures)

    @property
    def unchanged(self) -> bool:
        return (
            "modified_after_signing" not in self.problems
            and self.valid
            and "differs_from_issued" not in self.problems
        )

    @property
    def ok(self) -> bool:
        return not self.problems and self.document is not None

    def reasons(self) -> list[dict]:
        return [{"code": code, "message": MESSAGES[code]} for code in self.problems]

    def as_dict(self) -> dict:
        """The JSON answer of /api/v1/verify."""
        document = self.document
        return {
            "ok": self.ok,
            "valid": self.valid,
            "trusted": self.trusted,
            "unchanged": self.unchanged,
            "sha256": self.sha256,
            "problems": self.reasons(),
            "signatures": [s.__dict__ for s in self.signatures],
            "document": describe(document) if document is not None else None,
        }


def describe(document: Document) -> dict:
    """What a verifier may learn about a document: never the applicant's personal details."""
    dossier = document.dossier
    return {
        "kind": document.kind,
        "title": document.title,
        "number": document.symbol,
        "verification_code": document.verification_code,
        "dossier_code": dossier.code if dossier is not None else None,
        "agency": document.agency.name,
        "issued_at": document.signed_at.astimezone(LOCAL).isoformat(timespec="seconds")
        if document.signed_at
        else None,
        "signer_name": document.signer_name,
        "signer_title": document.signer_title,
        "form_line": document.form_line,
        "state": document.state,
    }


def find_by_code(code: str) -> Document | None:
    return db.session.scalar(select(Document).where(Document.verification_code == code.upper()))


def validation_context() -> ValidationContext:
    return ValidationContext(
        trust_roots=signing_backend().trust_roots(),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def verify_pdf(data: bytes) -> VerificationReport:
    """Validate every signature of `data` and match it to the document we issued."""
    report = VerificationReport(sha256=hashlib.sha256(data).hexdigest())
    if data.lstrip()[:5] != b"%PDF-":
        report.problems.append("not_pdf")
        return report
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        report.problems.append("unreadable")
        return report
    if not signatures:
        report.problems.append("unsigned")
    context = validation_context()
    reason_codes = []
    for signature in signatures:
        report.signatures.append(_check(signature, context))
        reason = str(signature.sig_object.get("/Reason", ""))
        reason_codes += CODE_IN_REASON.findall(reason)
    if report.signatures and not report.valid:
        report.problems.append("signature_broken")
    elif report.signatures and not report.trusted:
        report.problems.append("untrusted")
    if report.signatures and report.valid and not _untouched(report.signatures):
        report.problems.append("modified_after_signing")
    report.document = _match(report, reason_codes)
    return report


def _check(signature, context) -> SignatureCheck:
    signer = signature.signer_cert.subject.human_friendly if signature.signer_cert else "?"
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:
        return SignatureCheck(signature.field_name, signer, None, False, False, False, False, None)
    modification = status.modification_level
    return SignatureCheck(
        field=signature.field_name,
        signer=signer,
        signing_time=status.signer_reported_dt.astimezone(LOCAL).isoformat(timespec="seconds")
        if status.signer_reported_dt
        else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification=modification.name if modification is not None else None,
        timestamped=status.timestamp_validity is not None,
    )


def _untouched(checks: list[SignatureCheck]) -> bool:
    """The last signature covers the whole file; earlier ones were followed only by signatures."""
    if not checks[-1].covers_whole_file:
        return False
    return all(c.modification in (None, *(m.name for m in _HARMLESS)) for c in checks[:-1])


def _match(report: VerificationReport, reason_codes: list[str]) -> Document | None:
    document = db.session.scalar(select(Document).where(Document.blob_sha256 == report.sha256))
    if document is not None:
        return document
    for code in reason_codes:
        document = find_by_code(code)
        if document is not None:
            if document.state != "signed":
                report.problems.append("not_yet_signed")
            else:
                report.problems.append("differs_from_issued")
            return document
    if "not_pdf" not in report.problems and "unreadable" not in report.problems:
        report.problems.append("unknown_document")
    return None
