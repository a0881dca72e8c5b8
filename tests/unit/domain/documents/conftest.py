"""Fixtures for the documents tests: a received dossier, an authorisation, real signing keys."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from onestop.domain.dossiers.models import Dossier, DossierPart
from onestop.domain.procedures.models import Procedure, ProcedureVersion
from onestop.extensions import db as _db
from onestop.infra.signing import use_backend
from onestop.infra.signing.fake import FakeBackend
from onestop.infra.signing.pkcs12 import PKCS12Backend

RECEIVED = datetime(2026, 12, 3, 2, 15, tzinfo=UTC)  # 09:15 in Hà Nội


@pytest.fixture
def make_dossier(demo_org):
    """A received dossier of a province procedure whose result is a numbered decision."""
    counter = iter(range(1, 10_000))

    def make(*, series="QĐ-UBND", template="quyet-dinh", agency_key="UBND-TINH"):
        n = next(counter)
        agency = demo_org.agency(agency_key)
        procedure = Procedure(
            code=f"9.{n:06d}",
            name="Phê duyệt đề án vị trí việc làm",
            field="Tổ chức - Biên chế",
            level="province",
        )
        _db.session.add(procedure)
        _db.session.flush()
        version = ProcedureVersion(
            procedure_id=procedure.id,
            number=1,
            content_hash=f"{n:064d}",
            source="",
            definition={
                "result": {"template": template, "number_series": series},
                "parts": [
                    {"code": "to_trinh", "name": "Tờ trình đề nghị phê duyệt"},
                    {"code": "quyet_dinh_cu", "name": "Quyết định đã cấp trước đây"},
                ],
            },
            legal_minutes=30 * 480,
            authority_agency_id=agency.id,
            receiving_agency_id=agency.id,
        )
        _db.session.add(version)
        _db.session.flush()
        applicant = demo_org.user("chutich.tinh")
        dossier = Dossier(
            code=f"H99-261203-{n:04d}",
            procedure_version_id=version.id,
            applicant_id=applicant.id,
            receiving_agency_id=agency.id,
            channel="desk",
            status="received",
            applicant_name="Trần Thị Ánh Tuyết",
            applicant_address="Số 5 đường Hùng Vương, Hòa Bình",
            applicant_phone="0912345678",
            applicant_email="tuyet@example.vn",
            received_at=RECEIVED,
            due_at=datetime(2027, 1, 15, 10, 0, tzinfo=UTC),
        )
        dossier.parts.append(
            DossierPart(
                part_code="to_trinh", name="Tờ trình đề nghị phê duyệt", copy_kind="original"
            )
        )
        _db.session.add(dossier)
        _db.session.flush()
        return dossier

    return make


@pytest.fixture
def authorisation(demo_org):
    """The Chairman signing in his own right, as delegation.authorise would answer."""
    position = demo_org.position("UBND-TINH", "chairman")
    return SimpleNamespace(
        actor=demo_org.user("chutich.tinh"),
        principal_position=position,
        delegation=None,
        delegation_id=None,
        substitution=None,
        form_line="TM. ỦY BAN NHÂN DÂN",
        kind="own",
        signer_position=position,
    )


@pytest.fixture
def fake_signer(app):
    backend = FakeBackend()
    use_backend(app, backend)
    yield backend
    use_backend(app, None)


@pytest.fixture(scope="session")
def pki_root(tmp_path_factory):
    return tmp_path_factory.mktemp("pki")


@pytest.fixture
def real_signer(app, pki_root):
    """PKCS#12 keys from a development CA made once for the session."""
    backend = PKCS12Backend(pki_root)
    use_backend(app, backend)
    yield backend
    use_backend(app, None)
