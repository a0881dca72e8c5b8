"""Demo dossiers in every stage, so that a newcomer's queues, tracking pages and reports show work.

Created once (when the demo has no dossier yet) through the real lifecycle verbs and the engine, so
papers, facts and audit events are produced exactly as in use.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from onestop.domain.dossiers import lifecycle
from onestop.domain.dossiers.attachments import Upload
from onestop.domain.dossiers.models import Dossier
from onestop.domain.dossiers.pauses import request_supplement
from onestop.domain.org.models import Agency, User
from onestop.domain.procedures.catalogue import version_by_code
from onestop.domain.workflow import runtime
from onestop.extensions import db
from onestop.infra import clock

# A minimal, valid one-page PDF standing in for a scanned document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

BIRTHS = [
    # (child, mother, father, steps walked after receipt: (step, username, action)); the first
    # stays awaiting receipt, the second sits at the desk's own receive step.
    ("Nguyễn Minh Anh", "Nguyễn Thị Bình", "Lê Văn Dũng", []),
    ("Phạm Ngọc Hân", "Phạm Thị Hoa", "Phạm Văn Tài", []),
    (
        "Trần Gia Bảo",
        "Vũ Thị Yến",
        "Trần Văn Cường",
        [("receive", "motcua.anbinh", "submit"), ("appraise", "hotich.anbinh", "submit")],
    ),
    (
        "Lê Khánh Linh",
        "Đỗ Thị Lan",
        "Lê Quốc Việt",
        [
            ("receive", "motcua.anbinh", "submit"),
            ("appraise", "hotich.anbinh", "submit"),
            ("decide", "chutich.anbinh", "approve"),
            ("return", "motcua.anbinh", "hand_over"),
        ],
    ),
]


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _birth_form(child: str, mother: str, father: str) -> dict:
    return {
        "child_name": child,
        "child_birth_date": "2026-11-02",
        "child_sex": "Nữ",
        "birth_place": "Trạm Y tế xã An Bình",
        "mother_name": mother,
        "father_name": father,
        "requester_relation": "Mẹ",
    }


def _uploads(version) -> list[Upload]:
    return [
        Upload(part["code"], DEMO_PDF, f"{part['code']}.pdf")
        for part in version.definition["parts"]
        if part["required"]
    ]


def seed_dossiers() -> None:
    """Khai sinh dossiers at xã An Bình in every stage, and one waiting for a supplement."""
    if db.session.scalar(select(func.count()).select_from(Dossier)):
        return
    version = version_by_code("1.001193")
    commune = db.session.scalar(select(Agency).where(Agency.key == "XA-AN-BINH"))
    citizen = _user("001090001234")
    desk = _user("motcua.anbinh")
    start = clock.now() - timedelta(days=1)
    for n, (child, mother, father, steps) in enumerate(BIRTHS):
        dossier = lifecycle.submit_online(
            citizen,
            version,
            _birth_form(child, mother, father),
            _uploads(version),
            f"demo-birth-{n}",
            agency_id=commune.id,
            at=start + timedelta(minutes=n),
        )
        if n == 0:
            continue  # left for the desk to receive
        lifecycle.receive(dossier, desk, at=start + timedelta(hours=1, minutes=n))
        for m, (step, username, action) in enumerate(steps):
            task = next(t for t in runtime.open_tasks(dossier) if t.step_id == step)
            runtime.act(task, _user(username), action, at=start + timedelta(hours=2 + m, minutes=n))
    waiting = lifecycle.submit_online(
        _user("001085005678"),
        version,
        _birth_form("Trần Hải Đăng", "Vũ Thị Thu", "Trần Văn Cường"),
        _uploads(version),
        "demo-birth-supplement",
        agency_id=commune.id,
        at=start,
    )
    lifecycle.receive(waiting, desk, at=start + timedelta(hours=1))
    request_supplement(
        waiting,
        desk,
        "Giấy chứng sinh bản chụp bị mờ, không đọc được tên người mẹ.",
        ["Giấy chứng sinh (bản chụp rõ nét)"],
        at=start + timedelta(hours=2),
    )
