"""The papers a real dossier walk issues: receipt on receipt, the result on approval, form 06 at
hand-over, each rendered and signed by the job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.models import Document
from onestop.domain.dossiers import lifecycle
from onestop.domain.workflow import runtime
from onestop.extensions import db
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    T0,
    khai_sinh_parts,
    open_task,
    publish_file,
)

H = timedelta(hours=1)


def _documents(dossier) -> dict[str, Document]:
    rows = db.session.scalars(select(Document).where(Document.dossier_id == dossier.id)).all()
    return {document.kind: document for document in rows}


def test_a_birth_registration_walk_issues_its_papers(demo_org, fake_signer):
    version = publish_file(KHAI_SINH)
    citizen = demo_org.user("001090001234")
    dossier = lifecycle.submit_online(
        citizen,
        version,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "k-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    lifecycle.receive(dossier, desk, T0 + H)
    assert set(_documents(dossier)) == {"receipt"}
    runtime.act(open_task(dossier, "receive"), desk, "submit", at=T0 + 1.25 * H)
    runtime.act(open_task(dossier, "appraise"), clerk, "submit", at=T0 + 2 * H)
    runtime.act(
        open_task(dossier, "decide"), demo_org.user("chutich.anbinh"), "approve", at=T0 + 3 * H
    )
    papers = _documents(dossier)
    result = papers["result"]
    assert result.symbol == "1/GKS"
    assert result.template == "results/giay-khai-sinh.html"
    assert result.signer_name == "Nghiêm Văn Tú"
    assert result.context["dossier"]["form"]["child_name"] == "Nguyễn An Khang"
    assert result.context["dossier"]["form"]["child_birth_date"] == "20/11/2026"
    # Dated on the day of the decision (2 December), not the day the job happens to run.
    assert result.context["date_line"].endswith("ngày 02 tháng 12 năm 2026")
    lifecycle.hand_over(dossier, desk, "desk", at=T0 + 4 * H)
    papers = _documents(dossier)
    assert set(papers) == {"receipt", "result", "control_sheet"}
    assert len(papers["control_sheet"].context["handovers"]) >= 3
    for document in papers.values():
        assert run_render(document.id) == "signed"
        db.session.refresh(document)
        assert document.state == "signed" and document.blob_sha256
