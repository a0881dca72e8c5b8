"""Render + sign a result: onestop's whole job against bare WeasyPrint + bare pyHanko, in one run.

Ours: the `render_document` job body for N numbered results (claim and commit `rendering`, Jinja
template, QR code, layout with the signature box located, the signer's and the organisation's
PAdES signatures with visible stamps, file store, commit `signed`).
Bare: the same HTML (already expanded, QR included) through `HTML(...).write_pdf()`, then the same
two PAdES signatures by the same PKCS#12 keys with pyHanko, without appearances, nothing stored.
Both run in this process on the same documents, interleaved in rounds so that machine noise hits
both alike. Goal: ours / bare <= 1.25. Also prints documents per second for one worker.
Run: `python bench/bench_render_sign.py [N]` (default 20).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from io import BytesIO
from types import SimpleNamespace

GOAL_RATIO = 1.25


def main(n: int) -> int:
    from flask import render_template
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from onestop import create_app
    from onestop.domain.documents.jobs import run_render
    from onestop.domain.documents.models import Document
    from onestop.domain.documents.pipeline import template_context
    from onestop.domain.documents.render import STATIC_SCHEME, url_fetcher
    from onestop.extensions import db
    from onestop.infra.signing import signing_backend
    from onestop.infra.signing.pki import Identity

    instance = tempfile.mkdtemp(prefix="bench-render-")
    app = create_app(
        {
            "ONESTOP_INSTANCE_PATH": instance,
            "ONESTOP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.db",
            "ONESTOP_SIGNER": "pkcs12",
            "ONESTOP_EMBEDDED_WORKER": False,
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        db.create_all()
        document_ids = _issue_results(n + 1)
        backend = signing_backend()
        keys = [
            backend.pyhanko_signer(Identity("user-chutich.tinh", "Nguyễn Văn Hùng")),
            backend.pyhanko_signer(Identity("org-ubnd-tinh", "Ủy ban nhân dân tỉnh")),
        ]

        fonts = FontConfiguration()

        def bare(html: str) -> bytes:
            # The same packaged fonts, fetched the same way: only the surrounding work differs.
            pdf = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=url_fetcher).write_pdf(
                font_config=fonts
            )
            for key, name in zip(keys, ("Signer", "Organisation"), strict=True):
                meta = signers.PdfSignatureMetadata(
                    field_name=name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
                )
                out = BytesIO()
                signers.PdfSigner(meta, key).sign_pdf(
                    IncrementalPdfFileWriter(BytesIO(pdf)), output=out
                )
                pdf = out.getvalue()
            return pdf

        def html_of(document_id: int) -> str:
            document = db.session.get(Document, document_id)
            return render_template(f"papers/{document.template}", **template_context(document))

        warm, *timed = document_ids
        run_render(warm)  # fonts, caches, keys: paid once by every worker
        bare(html_of(warm))
        ours_times, bare_times = [], []
        for document_id in timed:
            html = html_of(document_id)
            started = time.perf_counter()
            bare(html)
            bare_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert run_render(document_id) == "signed"
            ours_times.append(time.perf_counter() - started)
        states = {db.session.get(Document, i).state for i in timed}
        assert states == {"signed"}, states
    ours, plain = sum(ours_times), sum(bare_times)
    ratio = ours / plain
    print(f"documents: {n} results (2 PAdES signatures each), one worker")
    print(
        f"ours : {ours:.2f} s total, median {statistics.median(ours_times) * 1000:.0f} ms, "
        f"{n / ours:.2f} documents/s"
    )
    print(
        f"bare : {plain:.2f} s total, median {statistics.median(bare_times) * 1000:.0f} ms, "
        f"{n / plain:.2f} documents/s"
    )
    print(f"ratio ours/bare: {ratio:.2f} (goal <= {GOAL_RATIO})")
    return 0 if ratio <= GOAL_RATIO else 1


def _issue_results(count: int) -> list[int]:
    from datetime import UTC, datetime

    from onestop.domain.documents.operations import issue_result
    from onestop.domain.dossiers.models import Dossier
    from onestop.domain.org.models import Position, User
    from onestop.domain.procedures.models import Procedure, ProcedureVersion
    from onestop.extensions import db
    from onestop.seed.org import load_province

    agencies = load_province(password_hash="x")["agencies"]
    agency = agencies["UBND-TINH"]
    chairman = db.session.scalar(
        db.select(Position).where(Position.agency_id == agency.id, Position.key == "chairman")
    )
    actor = db.session.scalar(db.select(User).where(User.username == "chutich.tinh"))
    procedure = Procedure(
        code="1.004227",
        name="Phê duyệt đề án vị trí việc làm",
        field="Tổ chức - Biên chế",
        level="province",
    )
    db.session.add(procedure)
    db.session.flush()
    version = ProcedureVersion(
        procedure_id=procedure.id,
        number=1,
        content_hash="0" * 64,
        source="",
        legal_minutes=30 * 480,
        definition={"result": {"template": "quyet-dinh", "number_series": "QĐ-UBND"}},
        authority_agency_id=agency.id,
        receiving_agency_id=agency.id,
    )
    db.session.add(version)
    db.session.flush()
    authorisation = SimpleNamespace(
        actor=actor,
        principal_position=chairman,
        delegation=None,
        delegation_id=None,
        substitution=None,
        kind="own",
        form_line="TM. ỦY BAN NHÂN DÂN",
        signer_position=chairman,
    )
    ids = []
    for n in range(1, count + 1):
        dossier = Dossier(
            code=f"H99-261203-{n:04d}",
            procedure_version_id=version.id,
            applicant_id=actor.id,
            receiving_agency_id=agency.id,
            channel="desk",
            status="processed",
            applicant_name="Trần Thị Ánh Tuyết",
            received_at=datetime(2026, 12, 1, 2, tzinfo=UTC),
            processed_at=datetime(2026, 12, 3, 2, tzinfo=UTC),
            due_at=datetime(2027, 1, 15, 10, tzinfo=UTC),
        )
        db.session.add(dossier)
        db.session.flush()
        ids.append(issue_result(dossier, authorisation).id)
    db.session.commit()
    return ids


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
