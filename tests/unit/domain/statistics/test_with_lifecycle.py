"""Statistics kept by the real lifecycle: each verb's event refreshes facts and rollups."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from onestop.domain.statistics.models import AgencyPartFact, DossierFact, FactOfficer
from onestop.domain.statistics.report import ReportQuery, build_report
from onestop.domain.workflow.models import Task
from onestop.extensions import db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KHAI_SINH = Path(__file__).resolve().parents[4] / "workflows" / "1.001193-dang-ky-khai-sinh.yaml"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FORM = {
    "child_name": "Nguyễn An Khang", "child_birth_date": "2026-11-20", "child_sex": "Nam",
    "birth_place": "Trạm y tế xã An Bình", "mother_name": "Nguyễn Thị Bình",
    "requester_relation": "Mẹ",
}  # fmt: skip


def vn(*parts) -> datetime:
    return datetime(*parts, tzinfo=VN)


@pytest.fixture
def submitted(demo_org):
    from onestop.domain.dossiers.attachments import Upload
    from onestop.domain.dossiers.lifecycle import submit_online
    from onestop.domain.procedures.publish import publish
    from onestop.domain.workflow.definition import load_path

    if not KHAI_SINH.exists():
        pytest.skip("the birth-registration workflow is not shipped yet")
    version = publish(load_path(KHAI_SINH)).version
    parts = [Upload("to_khai", PDF, "to-khai.pdf"), Upload("giay_chung_sinh", PDF, "cs.pdf")]
    return submit_online(
        demo_org.user("001090001234"),
        version,
        FORM,
        parts,
        "stats-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=vn(2026, 11, 10, 8, 30),
    )


def _fact(dossier):
    return db.session.scalar(select(DossierFact).where(DossierFact.dossier_id == dossier.id))


def _open_task(dossier):
    return db.session.scalar(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == "open")
    )


def test_facts_follow_the_dossier_from_receipt_to_return(submitted, demo_org):
    """Do receipt, a supplement round, each step and the hand-over keep the facts current?"""
    from onestop.domain.dossiers.attachments import Upload
    from onestop.domain.dossiers.lifecycle import hand_over, receive
    from onestop.domain.dossiers.pauses import complete_supplement, request_supplement
    from onestop.domain.workflow.runtime import act

    assert _fact(submitted) is None  # not received yet: not in the statistics
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    dossier = receive(submitted, desk, vn(2026, 11, 10, 9))
    fact = _fact(dossier)
    assert (fact.channel, fact.outcome, fact.due_at) == ("online", None, dossier.due_at)
    request_supplement(
        dossier, desk, "Thiếu giấy chứng sinh", ["giay_chung_sinh"], at=vn(2026, 11, 10, 10)
    )
    complete_supplement(
        dossier,
        demo_org.user("001090001234"),
        [Upload("giay_chung_sinh", PDF, "cs2.pdf")],
        at=vn(2026, 11, 11, 10),
    )
    act(_open_task(dossier), desk, _first_action(dossier), at=vn(2026, 11, 11, 10, 10))
    act(_open_task(dossier), clerk, "submit", at=vn(2026, 11, 11, 11))
    act(_open_task(dossier), demo_org.user("chutich.anbinh"), "approve", at=vn(2026, 11, 11, 14))
    hand_over(dossier, desk, "electronic", at=vn(2026, 11, 11, 15))
    fact = _fact(dossier)
    assert fact.outcome == "resolved" and fact.ended_at == dossier.processed_at
    assert fact.paused_minutes == 480  # 10:00 Tue -> 10:00 Wed
    assert fact.supplement_count == 1 and fact.classification in ("early", "on_time")
    assert fact.electronic_result and fact.returned_at == dossier.returned_at
    parts = db.session.scalars(
        select(AgencyPartFact).where(AgencyPartFact.dossier_id == dossier.id)
    ).all()
    assert [p.agency_id for p in parts] == [demo_org.agency("XA-AN-BINH").id]
    officers = set(
        db.session.scalars(select(FactOfficer.user_id).where(FactOfficer.dossier_id == dossier.id))
    )
    assert desk.id in officers
    november = ReportQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), group_by="none")
    for source in ("facts", "rollups"):
        cells = build_report(november, source=source).total.cells
        assert (cells["new_online"], cells["resolved"], cells["returned"]) == (1, 1, 1), source


def _first_action(dossier) -> str:
    from onestop.domain.workflow.runtime import workflow_of

    task = _open_task(dossier)
    actions = workflow_of(dossier.procedure_version).actions((task.step_id, task.branch))
    return actions[0]
