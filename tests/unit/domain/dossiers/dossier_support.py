"""Shared fixtures and helpers for the workflow, dossier and integration tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from onestop.domain.dossiers.attachments import Upload

ROOT = Path(__file__).resolve().parents[4]
WORKFLOWS = ROOT / "workflows"
KHAI_SINH = WORKFLOWS / "1.001193-dang-ky-khai-sinh.yaml"
# Wednesday 2 December 2026, 09:00 in Hà Nội.
T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

KHAI_SINH_FORM = {
    "child_name": "Nguyễn An Khang",
    "child_birth_date": "2026-11-20",
    "child_sex": "Nam",
    "birth_place": "Trạm y tế xã An Bình",
    "mother_name": "Nguyễn Thị Bình",
    "requester_relation": "Mẹ",
}


def publish_file(path: Path):
    """Publish one shipped definition into the test transaction; returns its version."""
    from onestop.domain.procedures.publish import publish
    from onestop.domain.workflow.definition import load_path

    return publish(load_path(path)).version


def khai_sinh_parts():
    return [Upload("to_khai", PDF, "to-khai.pdf"), Upload("giay_chung_sinh", PNG, "chung-sinh.png")]


@pytest.fixture
def khai_sinh(demo_org):
    """The birth registration procedure published against the demo org."""
    return publish_file(KHAI_SINH)


@pytest.fixture
def citizen(demo_org):
    return demo_org.user("001090001234")


@pytest.fixture
def submitted(khai_sinh, citizen, demo_org):
    """An online birth registration submitted to XA-AN-BINH at T0."""
    from onestop.domain.dossiers.lifecycle import submit_online

    return submit_online(
        citizen,
        khai_sinh,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "key-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )


def open_task(dossier, step_id, branch=None):
    """The open task of a dossier at a step (and branch)."""
    from onestop.domain.workflow.runtime import open_tasks

    return next(t for t in open_tasks(dossier) if t.step_id == step_id and t.branch == branch)
