"""Shared helpers for the delegation tests: instants, catalogue procedures, a valid legal basis."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from onestop.domain.procedures.models import Procedure, ProcedureVersion

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Hà Nội
JOB_SCHEME = "1.004227"  # Phê duyệt đề án vị trí việc làm (UBND tỉnh chairman)
RELIGION = "1.001055"  # a religious-affairs procedure decided by the SNV director
NOT_DELEGABLE = "9.000001"


def add_procedure(
    db, code, field, authority, agencies, *, authority_agency, delegable=True, collective=False
):
    """A catalogue procedure with one current version whose authority is `authority`."""
    definition = {
        "code": code,
        "agencies": agencies,
        "authority": {
            "agency": authority_agency.key,
            "position": authority,
            "delegable": delegable,
            "collective": collective,
        },
    }
    procedure = Procedure(code=code, name=f"Thủ tục {code}", field=field, level="province")
    db.session.add(procedure)
    db.session.flush()
    version = ProcedureVersion(
        procedure_id=procedure.id,
        number=1,
        definition=definition,
        source="",
        content_hash=hashlib.sha256(code.encode()).hexdigest(),
        legal_minutes=480 * 30,
        authority_agency_id=authority_agency.id,
        receiving_agency_id=authority_agency.id,
    )
    db.session.add(version)
    db.session.flush()
    procedure.current_version_id = version.id
    db.session.flush()
    return procedure


def basis(**overrides):
    """Arguments of a valid legal basis and one-year window starting at T0."""
    values = {
        "basis_number": "12/QĐ-UBND",
        "basis_date": date(2026, 1, 5),
        "valid_from": T0,
        "valid_to": T0 + timedelta(days=365),
        "at": T0 - timedelta(days=1),
    }
    values.update(overrides)
    return values
