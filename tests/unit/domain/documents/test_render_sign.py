"""Render and sign for real: every paper to PDF and PNG, PKCS#12 signatures, tamper detection."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
from jinja2 import TemplateNotFound
from PIL import Image

from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.models import Document
from onestop.domain.documents.operations import issue_paper, issue_result, issue_tracking_book
from onestop.domain.documents.render import ForbiddenFetch, render_html, url_fetcher
from onestop.domain.documents.verification import verify_pdf
from onestop.extensions import db
from onestop.services import storage

pytestmark = pytest.mark.slow


def _render_now(document: Document) -> bytes:
    """Run the render job body in this test's transaction and return the stored PDF."""
    assert run_render(document.id) == "signed"
    db.session.refresh(document)
    assert document.state == "signed", document.error
    return storage().get(document.blob_sha256)


def test_the_fetcher_serves_packaged_fonts_and_refuses_the_network():
    assert (
        url_fetcher("static:fonts/LiberationSerif-Regular.ttf")["string"][:4] == b"\x00\x01\x00\x00"
    )
    for url in ("https://example.com/x.css", "file:///etc/passwd", "static:../../config.py"):
        with pytest.raises(ForbiddenFetch):
            url_fetcher(url)


def test_a_remote_image_is_not_fetched():
    """Does a template that names a remote URL still render, without any network access?"""
    rendered = render_html('<p>x</p><img src="http://192.0.2.1/logo.png">')
    assert rendered.pdf.startswith(b"%PDF-")


def _issue_every_paper(dossier, officer, authorisation):
    from datetime import UTC, datetime

    return [
        issue_paper(dossier, "receipt", officer),
        issue_paper(
            dossier,
            "supplement_request",
            officer,
            revision=1,
            reason="Thiếu giấy tờ",
            items=[{"name": "Bản sao giấy chứng nhận kết hôn", "reason": "Chưa có"}],
        ),
        issue_paper(dossier, "refusal", officer, reason="Không thuộc thẩm quyền giải quyết"),
        issue_paper(
            dossier,
            "apology",
            officer,
            reason="Cần lấy ý kiến Sở Tài chính",
            previous_due_at="10 giờ 00 phút, ngày 15/01/2027",
            new_due_at="10 giờ 00 phút, ngày 22/01/2027",
        ),
        issue_paper(
            dossier, "stop_notice", officer, reason="Người nộp rút hồ sơ", requested_at="04/12/2026"
        ),
        issue_paper(
            dossier,
            "control_sheet",
            officer,
            handovers=[
                {
                    "unit": "Bộ phận Một cửa",
                    "at": "09 giờ 15 phút, ngày 03/12/2026",
                    "from": "Phạm Thu Hà",
                    "to": "Bùi Thị Ngọc",
                    "result": "Đúng hạn",
                }
            ],
        ),
        issue_tracking_book(
            dossier.receiving_agency,
            officer,
            datetime(2026, 12, 1, tzinfo=UTC),
            datetime(2026, 12, 31, tzinfo=UTC),
            [
                {
                    "code": dossier.code,
                    "procedure": "Đăng ký khai sinh",
                    "sets": 1,
                    "applicant": dossier.applicant_name,
                    "received": "03/12/2026",
                    "due": "15/01/2027",
                }
            ],
        ),
        issue_result(dossier, authorisation),
    ]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_every_paper_renders_to_non_blank_pages(
    make_dossier, demo_org, authorisation, fake_signer, tmp_path
):
    """Forms 01-07 and the result: each PDF rasterises to pages with ink on them."""
    dossier = make_dossier()
    for document in _issue_every_paper(dossier, demo_org.user("motcua.tinh"), authorisation):
        pdf = _render_now(document)
        path = tmp_path / f"{document.kind}.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / document.kind)], check=True
        )
        pages = sorted(tmp_path.glob(f"{document.kind}-*.png"))
        assert len(pages) == document.page_count >= 1
        for page in pages:
            grey = Image.open(page).convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark > 200, f"{page.name} looks blank"


def test_a_result_is_signed_by_the_signer_and_the_organisation(
    make_dossier, authorisation, real_signer
):
    """Do both PAdES signatures validate and trust, and is the PDF matched to its dossier?"""
    document = issue_result(make_dossier(), authorisation)
    pdf = _render_now(document)
    report = verify_pdf(pdf)
    assert report.ok, report.reasons()
    assert [s.field for s in report.signatures] == ["Signer", "Organisation"]
    assert all(s.intact and s.valid and s.trusted for s in report.signatures)
    assert report.signatures[0].signing_time.endswith("+07:00")
    answer = report.as_dict()["document"]
    assert answer["number"] == "1/QĐ-UBND"
    assert answer["dossier_code"] == document.dossier.code
    assert answer["form_line"] == "TM. ỦY BAN NHÂN DÂN"
    assert "Nguyễn Văn Hùng" in report.signatures[0].signer


def test_a_flipped_byte_fails_verification_with_the_reason(
    make_dossier, authorisation, real_signer
):
    document = issue_result(make_dossier(), authorisation)
    pdf = bytearray(_render_now(document))
    # Flip a byte inside the first page's content, well within the signed byte range.
    position = pdf.index(b"stream\n", 2000) + 20
    pdf[position] ^= 0x01
    report = verify_pdf(bytes(pdf))
    assert not report.ok
    assert not report.valid
    assert "signature_broken" in report.problems
    assert "differs_from_issued" in report.problems
    assert report.document.id == document.id


def test_an_incremental_update_after_signing_is_detected(make_dossier, authorisation, real_signer):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    document = issue_result(make_dossier(), authorisation)
    pdf = _render_now(document)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page[generic.NameObject("/Rotate")] = generic.NumberObject(90)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue())
    assert not report.ok
    assert "modified_after_signing" in report.problems
    assert not report.unchanged


def test_an_unsigned_or_foreign_pdf_is_explained(real_signer):
    assert verify_pdf(b"hello").problems == ["not_pdf"]
    plain = render_html("<p>Văn bản không ký</p>").pdf
    assert verify_pdf(plain).problems == ["unsigned", "unknown_document"]


def test_a_duplicated_job_does_not_render_twice(make_dossier, authorisation, fake_signer):
    """Is a second job for a signed document a no-op (no second file, no second number)?"""
    document = issue_result(make_dossier(), authorisation)
    _render_now(document)
    sha = document.blob_sha256
    assert run_render(document.id) == "skipped"
    assert document.blob_sha256 == sha and len(fake_signer.requests) == 2


def test_a_failing_render_is_recorded_for_the_officer(make_dossier, demo_org, fake_signer):
    document = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    document.template = "missing.html"
    db.session.flush()
    with pytest.raises(TemplateNotFound):
        run_render(document.id)
    db.session.refresh(document)
    assert document.state == "failed"
    assert "missing.html" in document.error
    assert document.attempts == 1
