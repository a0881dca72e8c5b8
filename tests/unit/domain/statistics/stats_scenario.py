"""A month of dossiers with known outcomes (November 2026, commune An Bình), for report tests.

Every dossier is built directly from the models (the lifecycle verbs are another team's), then
`refresh_fact` turns it into statistics facts. Times are local (Asia/Ho_Chi_Minh); no holidays fall
between October and December 2026.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from onestop.domain.dossiers.models import Dossier, DossierPart, Extension, Pause
from onestop.domain.procedures.models import Procedure, ProcedureVersion
from onestop.domain.statistics.facts import refresh_fact
from onestop.domain.workflow.models import Task
from onestop.extensions import db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local instant in late 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


class Scenario:
    """Builds the dossiers; `codes[name]` gives each one's dossier code."""

    def __init__(self, demo_org):
        self.org = demo_org
        self.xa = demo_org.agency("XA-AN-BINH")
        self.ca = demo_org.agency("CA")
        self.bhxh = demo_org.agency("BHXH")
        self.desk = demo_org.user("motcua.anbinh")
        self.clerk = demo_org.user("hotich.anbinh")
        self.applicant = demo_org.user("chutich.hoalac")  # any user will do as applicant
        self.birth = self._procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch")
        self.combo = self._procedure(
            "1.001023", "Liên thông khai sinh, thường trú, BHYT", "Liên thông"
        )
        self.dossiers: dict[str, Dossier] = {}

    def _procedure(self, code, name, field):
        procedure = Procedure(code=code, name=name, field=field, level="commune")
        db.session.add(procedure)
        db.session.flush()
        version = ProcedureVersion(
            procedure_id=procedure.id,
            number=1,
            content_hash=code,
            definition={},
            source="",
            legal_minutes=480,
            authority_agency_id=self.xa.id,
            receiving_agency_id=self.xa.id,
        )
        db.session.add(version)
        db.session.flush()
        return version

    def dossier(
        self,
        name,
        *,
        channel,
        received,
        due,
        status="processing",
        processed=None,
        returned=None,
        finished=None,
        version=None,
        return_method="desk",
        rating=None,
        complaint=False,
        received_by=None,
        parts=(),
        supplements=0,
    ):
        d = Dossier(
            code=f"H99.XA.01-{name}",
            procedure_version_id=(version or self.birth).id,
            applicant_id=self.applicant.id,
            receiving_agency_id=self.xa.id,
            channel=channel,
            status=status,
            applicant_name="Nguyễn Văn A",
            received_at=received,
            due_at=due,
            processed_at=processed,
            returned_at=returned,
            finished_at=finished or processed or returned,
            return_method=return_method,
            rating=rating,
            complaint=complaint,
            received_by_id=received_by,
            supplement_count=supplements,
        )
        db.session.add(d)
        db.session.flush()
        for code, blob, reused in parts:
            db.session.add(
                DossierPart(
                    dossier_id=d.id,
                    part_code=code,
                    name=code,
                    blob_sha256=blob,
                    reused_from_id=reused,
                )
            )
        self.dossiers[name] = d
        return d

    def pause(self, d, start, end=None, minutes=None):
        db.session.add(
            Pause(
                dossier_id=d.id,
                kind="supplement",
                reason="Thiếu giấy tờ",
                started_at=start,
                ended_at=end,
                working_minutes=minutes,
            )
        )

    def task(self, d, agency, step, opened, due, closed=None):
        db.session.add(
            Task(
                dossier_id=d.id,
                step_id=step,
                agency_id=agency.id,
                opened_at=opened,
                due_at=due,
                closed_at=closed,
                state="done" if closed else "open",
                unit_id=agency.units[0].id,
                assignee_id=self.clerk.id if agency is self.xa else None,
            )
        )

    def refresh_all(self):
        db.session.flush()
        for d in self.dossiers.values():
            db.session.refresh(d)
            refresh_fact(d)


def build_november(demo_org) -> Scenario:
    """The dossiers of the November 2026 report test; see test_report.py for the expected cells."""
    from onestop.domain.statistics.models import DossierFact  # noqa: F401  (schema loaded)

    s = Scenario(demo_org)
    blob = _blob()
    desk = s.desk.id
    s.dossier(
        "D01",
        channel="desk",
        received=at(10, 28),
        due=at(11, 4, 17),
        status="processed",
        processed=at(11, 3, 10),
        received_by=desk,
    )
    s.dossier(
        "D02",
        channel="online",
        received=at(11, 2),
        due=at(11, 5, 17),
        status="returned",
        processed=at(11, 5, 15),
        returned=at(11, 6),
        return_method="electronic",
        parts=[("to_khai", blob, None)],
        received_by=desk,
    )
    d3 = s.dossier(
        "D03",
        channel="desk",
        received=at(11, 3),
        due=at(11, 12, 17),
        status="processed",
        processed=at(11, 10),
        received_by=desk,
    )
    db.session.add(
        Extension(
            dossier_id=d3.id,
            previous_due_at=at(11, 6, 17),
            new_due_at=at(11, 12, 17),
            reason="Chờ xác minh",
            agency_id=s.xa.id,
            created_by_id=s.clerk.id,
        )
    )
    s.dossier(
        "D04",
        channel="post",
        received=at(11, 4),
        due=at(11, 9, 17),
        status="processed",
        processed=at(11, 11),
        rating=2,
        complaint=True,
        received_by=desk,
    )
    d5 = s.dossier(
        "D05",
        channel="online",
        received=at(11, 9),
        due=at(11, 12, 17),
        status="processed",
        processed=at(11, 12, 16),
        supplements=1,
    )
    s.pause(d5, at(11, 9, 10), at(11, 10, 10))
    d6 = s.dossier(
        "D06",
        channel="online",
        received=at(11, 16),
        due=at(11, 25, 17),
        status="processed",
        processed=at(11, 20),
        supplements=2,
    )
    s.pause(d6, at(11, 16, 10), at(11, 17, 10))
    s.pause(d6, at(11, 18, 10), at(11, 19, 10))
    s.dossier(
        "D07",
        channel="desk",
        received=at(11, 17),
        due=at(11, 20, 17),
        status="withdrawn",
        finished=at(11, 18),
    )
    s.dossier(
        "D08",
        channel="desk",
        received=at(11, 18),
        due=at(11, 23, 17),
        status="refused",
        finished=at(11, 19, 14),
    )
    d9 = s.dossier(
        "D09",
        channel="online",
        received=at(11, 27),
        due=at(12, 3, 17),
        status="supplement_requested",
        supplements=1,
    )
    s.pause(d9, at(11, 30, 10))
    s.dossier("D10", channel="desk", received=at(11, 10), due=at(11, 20, 17))
    s.dossier("D11", channel="desk", received=at(12, 1), due=at(12, 4, 17))
    s.dossier(
        "D12",
        channel="desk",
        received=at(10, 5),
        due=at(10, 9, 17),
        status="returned",
        processed=at(10, 8),
        returned=at(10, 12),
    )
    s.dossier(
        "D13",
        channel="desk",
        received=at(10, 26),
        due=at(10, 30, 17),
        status="returned",
        processed=at(10, 30),
        returned=at(11, 2),
    )
    s.dossier("D14", channel="desk", received=at(10, 20), due=at(10, 30, 17))
    d15 = s.dossier(
        "D15",
        channel="online",
        received=at(11, 23),
        due=at(11, 30, 17),
        status="returned",
        processed=at(11, 26, 11),
        returned=at(11, 27),
        version=s.combo,
        rating=5,
        parts=[("giay_chung_sinh", None, None)],
    )
    s.task(d15, s.xa, "receive", at(11, 23), at(11, 23, 13), at(11, 23, 10))
    s.task(d15, s.ca, "residence", at(11, 23, 10), at(11, 25, 17), at(11, 24))
    s.task(d15, s.bhxh, "insurance", at(11, 23, 10), at(11, 25, 17), at(11, 26, 10))
    s.task(d15, s.xa, "return", at(11, 26, 11), at(11, 27, 11), at(11, 27))
    db.session.flush()
    # D15 reuses a stored document: point its part at D02's part.
    reused_from = s.dossiers["D02"].parts[0].id
    d15.parts[0].reused_from_id = reused_from
    s.refresh_all()
    return s


def _blob() -> str:
    from onestop.domain.dossiers.models import Blob

    sha = "a" * 64
    db.session.add(Blob(sha256=sha, size=3, media_type="application/pdf"))
    db.session.flush()
    return sha
