"""The demo delegations: the Hà Nội examples, a KT. deputy, an expired one; idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onestop.domain import Forbidden
from onestop.domain.delegation.authority import authorise
from onestop.domain.delegation.demo import seed_delegations
from onestop.domain.delegation.signature import signature_block
from onestop.domain.procedures.publish import seed_workflows

TODAY = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


@pytest.fixture
def seeded(demo_org, frozen_clock):
    frozen_clock(TODAY)
    seed_workflows()
    return seed_delegations()


def test_are_the_four_demo_delegations_made_once(seeded):
    assert [(d.kind, d.basis_number) for d in seeded] == [
        ("TUQ", "12/QĐ-UBND"),
        ("TUQ", "25/QĐ-SNV"),
        ("KT", "05/QĐ-UBND"),
        ("KT", "40/QĐ-STP"),
    ]
    assert [d.in_force(TODAY) for d in seeded] == [True, True, True, False]
    assert seed_delegations() == []


def test_does_the_home_affairs_director_decide_job_position_schemes(demo_org, seeded):
    chairman = demo_org.position("UBND-TINH", "chairman")
    auth = authorise(
        demo_org.user("giamdoc.snv"),
        agency_id=chairman.agency_id,
        position_id=chairman.id,
        procedure_code="1.004227",
        action="approve",
        at=TODAY,
    )
    block = signature_block(auth)
    assert block.lines == ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ", "Hoàng Văn Minh"]
    assert block.basis == "Quyết định số 12/QĐ-UBND ngày 05/01/2026"


def test_does_the_religious_affairs_board_decide_religious_procedures(demo_org, seeded):
    director = demo_org.position("SNV", "director")
    auth = authorise(
        demo_org.user("truongban.btg"),
        agency_id=director.agency_id,
        position_id=director.id,
        procedure_code="1.001055",
        action="approve",
        at=TODAY,
    )
    assert signature_block(auth).lines == ["TUQ. GIÁM ĐỐC", "TRƯỞNG BAN TÔN GIÁO", "Ngô Thị Hương"]


def test_does_the_expired_kt_confer_nothing_today(demo_org, seeded):
    director = demo_org.position("STP", "director")
    with pytest.raises(Forbidden):
        authorise(
            demo_org.user("phogiamdoc.stp"),
            agency_id=director.agency_id,
            position_id=director.id,
            procedure_code="2.000488",
            action="approve",
            at=TODAY,
        )
