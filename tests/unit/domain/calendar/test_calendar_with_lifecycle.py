"""The calendar with the real dossier lifecycle: the due times it sets are those recompute sets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from onestop.domain.calendar.operations import add_day
from onestop.domain.calendar.recompute import recompute_open_deadlines
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


def received_birth_registration(demo_org, at: datetime):
    from onestop.domain.dossiers.attachments import Upload
    from onestop.domain.dossiers.lifecycle import receive, submit_online
    from onestop.domain.procedures.publish import publish
    from onestop.domain.workflow.definition import load_path

    version = publish(load_path(KHAI_SINH)).version
    parts = [Upload("to_khai", PDF, "to-khai.pdf"), Upload("giay_chung_sinh", PDF, "cs.pdf")]
    dossier = submit_online(
        demo_org.user("001090001234"),
        version,
        FORM,
        parts,
        "cal-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=at,
    )
    return receive(dossier, demo_org.user("motcua.anbinh"), at)


def test_lifecycle_due_times_are_stable_under_recompute(demo_org, admin):
    """Does recomputing without a calendar change move nothing the lifecycle and workflow set?"""
    dossier = received_birth_registration(demo_org, vn(2026, 12, 22, 16))  # after the cut-off
    assert dossier.due_at == vn(2026, 12, 23, 17)
    assert recompute_open_deadlines(admin, "kiểm tra") == []


def test_a_new_day_off_moves_a_received_dossier_and_its_tasks(demo_org, admin):
    """Does a day off declared after receipt move the dossier and its open task, audited?"""
    dossier = received_birth_registration(demo_org, vn(2026, 12, 22, 16, 45))
    task = db.session.scalar(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == "open")
    )
    assert task.due_at == vn(2026, 12, 23, 8, 15)  # 30 min budget: 15 today, 15 next day
    _, moved = add_day(admin, date(2026, 12, 23), "Nghỉ đột xuất")
    assert dossier.due_at == vn(2026, 12, 24, 17)
    assert task.due_at == vn(2026, 12, 24, 8, 15)
    assert f"dossier:{dossier.code}" in {m.subject for m in moved}


def test_a_supplement_pause_agrees_with_recompute(demo_org, admin):
    """After a supplement wait, does recompute (pauses re-measured) agree with the lifecycle?"""
    from onestop.domain.dossiers.attachments import Upload
    from onestop.domain.dossiers.lifecycle import complete_supplement, request_supplement

    dossier = received_birth_registration(demo_org, vn(2026, 12, 22, 9))
    assert dossier.due_at == vn(2026, 12, 22, 17)
    request_supplement(
        dossier,
        demo_org.user("motcua.anbinh"),
        "Thiếu giấy chứng sinh",
        ["giay_chung_sinh"],
        at=vn(2026, 12, 22, 10),
    )
    complete_supplement(
        dossier,
        demo_org.user("001090001234"),
        [Upload("giay_chung_sinh", PDF, "cs2.pdf")],
        at=vn(2026, 12, 23, 11),
    )
    # Paused 10:00 Tue → 11:00 Wed = 6 + 3 = 9 working hours; due pushed from Tue 17:00.
    assert dossier.due_at == vn(2026, 12, 24, 9)
    assert recompute_open_deadlines(admin, "kiểm tra") == []
