"""What each kind of paper is: its form number, title and template (Thông tư 03/2025, Annex I)."""

from __future__ import annotations

from dataclasses import dataclass

from onestop.domain import DomainError


@dataclass(frozen=True)
class PaperKind:
    kind: str
    form: str | None
    title: str
    template: str
    # The dossier event that issues it, if any (see subscribers.py).
    event: str | None = None


PAPERS = {
    paper.kind: paper
    for paper in (
        PaperKind(
            "receipt",
            "01",
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "01_receipt.html",
            "received",
        ),
        PaperKind(
            "supplement_request",
            "02",
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "02_supplement_request.html",
            "supplement_requested",
        ),
        PaperKind(
            "refusal",
            "03",
            "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            "03_refusal.html",
            "refused",
        ),
        PaperKind(
            "apology",
            "04",
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            "04_apology.html",
            "apologised",
        ),
        PaperKind(
            "stop_notice",
            "05",
            "Thông báo dừng giải quyết hồ sơ",
            "05_stop_notice.html",
            "withdrawn",
        ),
        PaperKind(
            "control_sheet",
            "06",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "06_control_sheet.html",
        ),
        PaperKind("tracking_book", "07", "Sổ theo dõi hồ sơ", "07_tracking_book.html"),
    )
}

# Result templates shipped in templates/papers/results/, by the name a procedure definition uses.
RESULT_TEMPLATES = {
    "quyet-dinh": ("results/quyet-dinh.html", "Quyết định"),
    "giay-khai-sinh": ("results/giay-khai-sinh.html", "Giấy khai sinh"),
    "phieu-ly-lich-tu-phap": ("results/phieu-ly-lich-tu-phap.html", "Phiếu lý lịch tư pháp"),
    "giay-phep": ("results/giay-phep.html", "Giấy phép"),
}


def paper(kind: str) -> PaperKind:
    """The paper kind named `kind`, or a DomainError naming the field."""
    try:
        return PAPERS[kind]
    except KeyError:
        raise DomainError(
            f"Unknown paper {kind!r}; expected one of {', '.join(PAPERS)}.", field="kind"
        ) from None


def result_template(name: str | None) -> tuple[str, str]:
    """(template path, default title) for a procedure's result template name or path."""
    key = (name or "quyet-dinh").rsplit("/", 1)[-1].removesuffix(".html")
    try:
        return RESULT_TEMPLATES[key]
    except KeyError:
        raise DomainError(
            f"Unknown result template {name!r}; expected one of {', '.join(RESULT_TEMPLATES)}.",
            field="template",
        ) from None
