"""Fixtures for the calendar tests: received dossiers with tasks and pauses, built directly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onestop.domain.calendar import service
from onestop.domain.dossiers.models import Dossier, Pause
from onestop.domain.procedures.models import Procedure, ProcedureVersion
from onestop.domain.workflow.models import Task
from onestop.extensions import db as _db


@pytest.fixture(autouse=True)
def fresh_calendars():
    """Each test starts and ends with an empty calendar cache (rolled-back rows may reuse ids)."""
    service.invalidate()
    yield
    service.invalidate()


@pytest.fixture
def admin(demo_org):
    return demo_org.user("admin")


@pytest.fixture
def make_dossier(demo_org):
    """A received dossier of a procedure with the given legal time, maybe with one open task."""
    counter = iter(range(1, 10_000))

    def make(
        received_at: datetime,
        legal_minutes: int = 480 * 5,
        *,
        agency_key: str = "SNV",
        status: str = "processing",
        cutoff: str | None = None,
        task_budget: int | None = None,
        pauses=(),
        due_at: datetime | None = None,
        same_day: bool = False,
    ):
        from onestop.domain.calendar.deadlines import legal_due_at
        from onestop.domain.calendar.service import calendar_for

        n = next(counter)
        agency = demo_org.agency(agency_key)
        procedure = Procedure(code=f"8.{n:06d}", name="Thủ tục thử", field="Thử", level="province")
        _db.session.add(procedure)
        _db.session.flush()
        legal_time = {"same_day": True} if same_day else {"working_hours": legal_minutes / 60}
        version = ProcedureVersion(
            procedure_id=procedure.id,
            number=1,
            content_hash=f"{n:064d}",
            source="",
            definition={"legal_time": legal_time, "cutoff": cutoff},
            legal_minutes=legal_minutes,
            authority_agency_id=agency.id,
            receiving_agency_id=agency.id,
        )
        _db.session.add(version)
        _db.session.flush()
        applicant = demo_org.user("chutich.tinh")
        calendar = calendar_for(agency.id)
        dossier = Dossier(
            code=f"T{n:03d}",
            procedure_version_id=version.id,
            applicant_id=applicant.id,
            receiving_agency_id=agency.id,
            channel="desk",
            status=status,
            applicant_name="Lê Văn Thử",
            received_at=received_at,
            due_at=due_at or legal_due_at(calendar, version.definition, legal_minutes, received_at),
        )
        _db.session.add(dossier)
        _db.session.flush()
        for start, end in pauses:
            _db.session.add(
                Pause(
                    dossier_id=dossier.id,
                    kind="supplement",
                    reason="Bổ sung",
                    started_at=start,
                    ended_at=end,
                )
            )
        if task_budget:
            _db.session.add(
                Task(
                    dossier_id=dossier.id,
                    step_id="appraise",
                    agency_id=agency.id,
                    state="open",
                    opened_at=received_at,
                    budget_minutes=task_budget,
                    due_at=calendar.add_minutes(received_at, task_budget),
                )
            )
        _db.session.flush()
        _db.session.refresh(dossier)
        return dossier

    return make


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)
