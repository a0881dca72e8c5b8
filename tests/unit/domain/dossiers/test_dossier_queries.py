"""Read side: lookups by code, the applicant's timeline and the control sheet rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dossier_support import T0, khai_sinh_parts, open_task

from onestop.domain import NotFound
from onestop.domain.dossiers import lifecycle, queries
from onestop.domain.workflow import runtime

H = timedelta(hours=1)


def test_timeline_shows_each_step_with_unit_officer_and_result(submitted, demo_org):
    """Does the timeline list submission, receipt, the supplement and each step in order?"""
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 2 * H)
    lifecycle.request_supplement(submitted, clerk, "Ảnh mờ", ["giay_chung_sinh"], at=T0 + 3 * H)
    lifecycle.complete_supplement(
        submitted, submitted.applicant, khai_sinh_parts()[1:], at=T0 + 4 * H
    )
    kinds = [e.kind for e in queries.timeline(submitted)]
    assert kinds == [
        "submitted",
        "received",
        "step",
        "supplement_requested",
        "supplement_completed",
    ]
    step = queries.timeline(submitted)[2]
    assert step.label == "Tiếp nhận và chuyển hồ sơ: submit"
    assert step.actor == desk.full_name and step.unit == "Bộ phận Một cửa xã An Bình"
    assert step.result == "late"  # 1h used of a 30m budget
    assert queries.dossier_by_code(submitted.code).id == submitted.id
    assert queries.dossiers_of(submitted.applicant)[0].id == submitted.id
    current = queries.current_steps(submitted)
    assert current[0]["name"].startswith("Công chức tư pháp") and current[0]["due_at"]
    rows = queries.control_sheet(submitted)
    assert rows[0]["from"] == "Tiếp nhận và chuyển hồ sơ" and rows[0]["to"].startswith("Công chức")


def test_unknown_code_is_not_found(db):
    """Is an unknown code a NotFound naming the code?"""
    with pytest.raises(NotFound, match="H99-000000-0000"):
        queries.dossier_by_code("H99-000000-0000")


def test_facts_give_the_applicant_view(submitted, demo_org):
    """Do the dossier facts carry the code, status, open steps and timeline?"""
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + H)
    facts = queries.facts(submitted)
    assert facts["code"] == submitted.code and facts["status"] == "received"
    assert facts["procedure"]["code"] == "1.001193"
    assert facts["current_steps"][0]["name"] == "Tiếp nhận và chuyển hồ sơ"
    assert [e["kind"] for e in facts["timeline"]] == ["submitted", "received"]
    assert {p["code"] for p in facts["parts"]} == {"to_khai", "giay_chung_sinh"}
