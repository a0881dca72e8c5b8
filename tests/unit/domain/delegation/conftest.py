"""Fixtures for the delegation tests: the demo org with the procedures they decide."""

from __future__ import annotations

import pytest
from delegation_helpers import JOB_SCHEME, NOT_DELEGABLE, RELIGION, add_procedure


@pytest.fixture
def org(demo_org, db):
    """The demo province plus the procedures the delegation tests decide."""
    tinh, snv = demo_org.agency("UBND-TINH"), demo_org.agency("SNV")
    add_procedure(
        db,
        JOB_SCHEME,
        "Tổ chức - Biên chế",
        "chairman",
        ["UBND-TINH"],
        authority_agency=tinh,
        collective=True,
    )
    add_procedure(db, RELIGION, "Tín ngưỡng, tôn giáo", "director", ["SNV"], authority_agency=snv)
    add_procedure(
        db,
        NOT_DELEGABLE,
        "Tổ chức - Biên chế",
        "chairman",
        ["UBND-TINH"],
        authority_agency=tinh,
        delegable=False,
    )
    return demo_org


@pytest.fixture
def admin(org):
    return org.user("admin")
