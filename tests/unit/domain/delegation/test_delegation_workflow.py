"""Delegation as the workflow sees it: queues, revocation of an open task, substitutes' acts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from onestop.domain import Forbidden
from onestop.domain.audit.models import AuditEvent
from onestop.domain.delegation.models import Delegation
from onestop.domain.delegation.operations import (
    appoint_substitute,
    delegate_authority,
    revoke_delegation,
)
from onestop.domain.delegation.queries import on_behalf_capacities
from onestop.domain.dossiers import lifecycle
from onestop.domain.dossiers.attachments import Upload
from onestop.domain.procedures.publish import publish
from onestop.domain.workflow import queues, runtime
from onestop.domain.workflow.definition import load_path

RELIGION = (
    Path(__file__).resolve().parents[4]
    / "workflows"
    / ("1.001055-to-chuc-cuoc-le-ngoai-co-so-ton-giao.yaml")
)
T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 09:00 in Hà Nội
H = timedelta(hours=1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FORM = {
    "ceremony_name": "Lễ Vu Lan",
    "organiser": "Giáo hội Phật giáo tỉnh",
    "ceremony_date": "2027-01-10",
    "place": "Sân vận động tỉnh",
    "attendance": 500,
}


@pytest.fixture
def at_decision(demo_org):
    """A religious-affairs dossier waiting at the director's decision step."""
    version = publish(load_path(RELIGION)).version
    dossier = lifecycle.submit_online(
        demo_org.user("001090001234"),
        version,
        FORM,
        [Upload("van_ban_de_nghi", PDF, "de-nghi.pdf")],
        "k-del",
        agency_id=demo_org.agency("UBND-TINH").id,
        at=T0,
    )
    lifecycle.receive(dossier, demo_org.user("motcua.tinh"), T0 + H)
    runtime.act(_task(dossier, "receive"), demo_org.user("motcua.tinh"), "submit", at=T0 + 2 * H)
    runtime.act(
        _task(dossier, "appraise"), demo_org.user("chuyenvien.btg"), "submit", at=T0 + 3 * H
    )
    return dossier


def _task(dossier, step):
    return next(t for t in runtime.open_tasks(dossier) if t.step_id == step)


def _tuq(demo_org):
    return delegate_authority(
        demo_org.user("admin"),
        kind="TUQ",
        delegator_position=demo_org.position("SNV", "director"),
        delegate_position=demo_org.position("BTG", "head"),
        fields=["Tín ngưỡng, tôn giáo"],
        basis_number="25/QĐ-SNV",
        basis_date=date(2026, 1, 10),
        valid_from=T0 - 24 * H,
        valid_to=T0 + 365 * 24 * H,
        at=T0 - 24 * H,
    )


def test_is_the_delegated_task_in_the_delegates_queue_marked_on_behalf(demo_org, at_decision):
    _tuq(demo_org)
    entries = queues.my_tasks(demo_org.user("truongban.btg"), T0 + 4 * H)
    decide = [e for e in entries if e.task.step_id == "decide"]
    assert [e.on_behalf for e in decide] == ["TUQ. Giám đốc (Sở Nội vụ)"]


def test_does_revocation_stop_the_delegate_on_an_open_task(demo_org, at_decision):
    delegation = _tuq(demo_org)
    task = _task(at_decision, "decide")
    revoke_delegation(delegation, demo_org.user("admin"), "Giám đốc trực tiếp xử lý", at=T0 + 4 * H)
    with pytest.raises(Forbidden):
        runtime.act(task, demo_org.user("truongban.btg"), "approve", at=T0 + 4 * H)
    transition = runtime.act(task, demo_org.user("giamdoc.snv"), "approve", at=T0 + 5 * H)
    assert transition.delegation_id is None


def test_is_the_delegates_decision_recorded_with_principal_and_delegation(demo_org, at_decision):
    delegation = _tuq(demo_org)
    transition = runtime.act(
        _task(at_decision, "decide"), demo_org.user("truongban.btg"), "approve", at=T0 + 4 * H
    )
    director = demo_org.position("SNV", "director")
    assert (transition.actor_id, transition.principal_position_id, transition.delegation_id) == (
        demo_org.user("truongban.btg").id,
        director.id,
        delegation.id,
    )


def test_is_a_substitutes_decision_recorded_for_the_absent_director(db, demo_org, at_decision):
    deputy, director = demo_org.user("phogiamdoc.snv"), demo_org.position("SNV", "director")
    substitution = appoint_substitute(
        demo_org.user("admin"),
        position=director,
        substitute=deputy,
        reason="Giám đốc nghỉ phép",
        basis_number="50/QĐ-SNV",
        basis_date=date(2026, 12, 1),
        valid_from=T0,
        valid_to=T0 + 72 * H,
        at=T0,
    )
    transition = runtime.act(_task(at_decision, "decide"), deputy, "approve", at=T0 + 4 * H)
    assert (transition.actor_id, transition.principal_position_id, transition.delegation_id) == (
        deputy.id,
        director.id,
        None,
    )
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "dossier:task:approve")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.actor_id, event.principal_position_id) == (deputy.id, director.id)
    assert event.data["capacity"] == "substitution"
    assert event.data["substitution_id"] == substitution.id


def test_does_a_capacity_apply_only_to_tasks_in_its_scope(db, demo_org, at_decision):
    """A delegation for another field puts nothing of this dossier in the delegate's queue."""
    other = Delegation(  # e.g. for a procedure of the field published later
        kind="TUQ",
        delegator_position_id=demo_org.position("SNV", "director").id,
        delegate_position_id=demo_org.position("BTG", "head").id,
        procedure_codes=["1.009999"],
        basis_number="26/QĐ-SNV",
        basis_date=date(2026, 1, 10),
        valid_from=T0 - 24 * H,
        valid_to=T0 + 24 * H,
    )
    db.session.add(other)
    db.session.flush()
    decide, head = _task(at_decision, "decide"), demo_org.user("truongban.btg")
    (capacity,) = on_behalf_capacities(head, T0 + 4 * H)
    assert capacity.delegation == other and not capacity.applies_to(decide)
    religion = _tuq(demo_org)
    capacities = on_behalf_capacities(head, T0 + 4 * H)
    applying = [c.delegation for c in capacities if c.applies_to(decide)]
    assert applying == [religion]
