"""Every shipped procedure walked from submission to return, plus joins, guards and delegation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dossier_support import PDF, T0, WORKFLOWS, open_task, publish_file
from sqlalchemy import select

from onestop.domain.dossiers import lifecycle
from onestop.domain.dossiers.attachments import Upload
from onestop.domain.workflow import runtime
from onestop.domain.workflow.models import Task, Transition
from onestop.extensions import db

H = timedelta(hours=1)
DESKS = {"XA-AN-BINH": "motcua.anbinh", "UBND-TINH": "motcua.tinh"}
SAMPLE = {
    "text": "Giá trị thử",
    "textarea": "Nội dung",
    "date": "2026-11-20",
    "bool": False,
    "email": "a@example.vn",
    "phone": "0912345678",
    "id_number": "001090001234",
}

WALKS = {
    "1.001193": [
        ("receive", None, "motcua.anbinh", "submit"),
        ("appraise", None, "hotich.anbinh", "submit"),
        ("decide", None, "chutich.anbinh", "approve"),
        ("return", None, "motcua.anbinh", "hand_over"),
    ],
    "1.012658": [
        ("receive", None, "motcua.anbinh", "submit"),
        ("register_birth", None, "hotich.anbinh", "submit"),
        ("sign_birth", None, "chutich.anbinh", "approve"),
        ("transfer", "health_card", "chuyenvien.bhxh", "done"),
        ("transfer", "residence", "canbo.ca", "done"),
        ("compile", None, "hotich.anbinh", "complete"),
        ("return", None, "motcua.anbinh", "hand_over"),
    ],
    "1.004227": [
        ("receive", None, "motcua.tinh", "submit"),
        ("appraise", None, "chuyenvien.tcbc", "submit"),
        ("finance", None, "chuyenvien.stc", "agree"),
        ("review", None, "truongphong.tcbc", "submit"),
        ("propose", None, "giamdoc.snv", "submit"),
        ("decide", None, "giamdoc.snv", "approve"),  # TUQ. Chủ tịch UBND tỉnh
        ("return", None, "motcua.tinh", "hand_over"),
    ],
    "1.001055": [
        ("receive", None, "motcua.tinh", "submit"),
        ("appraise", None, "chuyenvien.btg", "submit"),
        ("decide", None, "truongban.btg", "approve"),  # TUQ. Giám đốc Sở Nội vụ
        ("return", None, "motcua.tinh", "hand_over"),
    ],
    "1.003918": [
        ("receive", None, "motcua.tinh", "submit"),
        ("appraise", None, "chuyenvien.tcbc", "submit"),
        ("consult", "justice", "chuyenvien.hctp", "agree"),
        ("consult", "finance", "chuyenvien.stc", "object"),
        ("review", None, "truongphong.tcbc", "submit"),
        ("propose", None, "giamdoc.snv", "submit"),
        ("decide", None, "chutich.tinh", "approve"),
        ("return", None, "motcua.tinh", "hand_over"),
    ],
    "2.000488": [
        ("receive", None, "motcua.tinh", "submit"),
        ("verify", None, "chuyenvien.lltp", "submit"),
        ("police", None, "canbo.ca", "reply"),
        ("review", None, "truongphong.lltp", "submit"),
        ("decide", None, "giamdoc.stp", "approve"),
        ("return", None, "motcua.tinh", "hand_over"),
    ],
}
OVERRIDES = {"1.003918": {"founding_members": 60}}
DELEGATIONS = {
    "1.004227": ("UBND-TINH", "chairman", "SNV", "director"),
    "1.001055": ("SNV", "director", "BTG", "head"),
}


def sample_form(definition: dict) -> dict:
    values = {}
    for spec in definition["form"]["fields"]:
        if spec["type"] == "number":
            values[spec["name"]] = int(spec.get("min", 1))
        elif spec["type"] == "select":
            values[spec["name"]] = spec["options"][0]
        else:
            values[spec["name"]] = SAMPLE[spec["type"]]
    return {**values, **OVERRIDES.get(definition["code"], {})}


def submit(version, citizen, demo_org, key="k"):
    definition = version.definition
    parts = [
        Upload(p["code"], PDF, f"{p['code']}.pdf") for p in definition["parts"] if p["required"]
    ]
    agency = demo_org.agency(definition["agencies"][0])
    return lifecycle.submit_online(
        citizen, version, sample_form(definition), parts, key, agency_id=agency.id, at=T0
    ), DESKS[agency.key]


def delegate(demo_org, code):
    from onestop.domain.delegation.operations import delegate_authority

    agency, position, to_agency, to_position = DELEGATIONS[code]
    return delegate_authority(
        demo_org.user("admin"),
        kind="TUQ",
        delegator_position=demo_org.position(agency, position),
        delegate_position=demo_org.position(to_agency, to_position),
        procedure_codes=[code],
        basis_number="15/QĐ-UBND",
        basis_date=date(2026, 1, 5),
        valid_from=T0 - 24 * H,
        valid_to=T0 + 365 * 24 * H,
        at=T0 - 24 * H,
    )


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yaml")), ids=lambda p: p.name[:8])
def test_every_shipped_procedure_walks_from_submission_to_return(path, demo_org, citizen):
    """Does each shipped procedure run from online submission to the returned result?"""
    version = publish_file(path)
    code = version.procedure.code
    delegation = delegate(demo_org, code) if code in DELEGATIONS else None
    dossier, desk = submit(version, citizen, demo_org)
    lifecycle.receive(dossier, demo_org.user(desk), T0 + H)
    assert dossier.code and dossier.due_at
    for n, (step, branch, user, action) in enumerate(WALKS[code]):
        transition = runtime.act(
            open_task(dossier, step, branch), demo_org.user(user), action, at=T0 + (2 + n) * H
        )
        if step == "decide" and delegation is not None:
            assert transition.delegation_id == delegation.id
    assert dossier.status == "returned"
    assert dossier.processed_at < dossier.returned_at
    assert runtime.open_tasks(dossier) == []
    moves = db.session.scalars(select(Transition).where(Transition.dossier_id == dossier.id)).all()
    assert len(moves) == len(WALKS[code])
    if delegation is not None:  # the result cites the delegation decision and signs TUQ.
        from onestop.domain.documents.models import Document

        result = db.session.scalar(
            select(Document).where(Document.dossier_id == dossier.id, Document.kind == "result")
        )
        assert "15/QĐ-UBND" in result.context["signature"]["citation"]
        assert result.context["signature"]["form_line"].startswith("TUQ.")


def test_parallel_join_all_waits_for_every_agency(demo_org, citizen):
    """Does the step after an all-join open only when police and social insurance are both done?"""
    version = publish_file(WORKFLOWS / "1.012658-lien-thong-khai-sinh-thuong-tru-bhyt.yaml")
    dossier, desk = submit(version, citizen, demo_org)
    lifecycle.receive(dossier, demo_org.user(desk), T0 + H)
    for n, (step, branch, user, action) in enumerate(WALKS["1.012658"][:3]):
        runtime.act(
            open_task(dossier, step, branch), demo_org.user(user), action, at=T0 + (2 + n) * H
        )
    branches = {t.branch: t for t in runtime.open_tasks(dossier)}
    assert set(branches) == {"residence", "health_card"}
    assert branches["residence"].agency.key == "CA" and branches["residence"].budget_minutes == 1440
    assert (
        branches["health_card"].agency.key == "BHXH"
        and branches["health_card"].budget_minutes == 960
    )
    assert branches["residence"].due_at > branches["health_card"].due_at  # own due times
    runtime.act(branches["health_card"], demo_org.user("chuyenvien.bhxh"), "done", at=T0 + 6 * H)
    assert [t.step_id for t in runtime.open_tasks(dossier)] == ["transfer"]
    runtime.act(branches["residence"], demo_org.user("canbo.ca"), "done", at=T0 + 7 * H)
    assert [t.step_id for t in runtime.open_tasks(dossier)] == ["compile"]


def test_a_branch_can_refuse_the_whole_dossier(demo_org, citizen):
    """Does a police refusal in one branch refuse the dossier and cancel the other branch?"""
    version = publish_file(WORKFLOWS / "1.012658-lien-thong-khai-sinh-thuong-tru-bhyt.yaml")
    dossier, desk = submit(version, citizen, demo_org)
    lifecycle.receive(dossier, demo_org.user(desk), T0 + H)
    for n, (step, branch, user, action) in enumerate(WALKS["1.012658"][:3]):
        runtime.act(
            open_task(dossier, step, branch), demo_org.user(user), action, at=T0 + (2 + n) * H
        )
    other = open_task(dossier, "transfer", "health_card")
    runtime.act(
        open_task(dossier, "transfer", "residence"),
        demo_org.user("canbo.ca"),
        "deny",
        "Địa chỉ thường trú không hợp pháp",
        at=T0 + 6 * H,
    )
    assert dossier.status == "refused" and other.state == "cancelled"


def test_guard_routes_small_associations_past_the_consultation(demo_org, citizen):
    """Does the guard send an association with few members and no budget straight to review?"""
    version = publish_file(WORKFLOWS / "1.003918-cho-phep-thanh-lap-hoi.yaml")
    OVERRIDES["1.003918"] = {"founding_members": 20}
    try:
        dossier, desk = submit(version, citizen, demo_org)
    finally:
        OVERRIDES["1.003918"] = {"founding_members": 60}
    lifecycle.receive(dossier, demo_org.user(desk), T0 + H)
    runtime.act(open_task(dossier, "receive"), demo_org.user(desk), "submit", at=T0 + 2 * H)
    runtime.act(
        open_task(dossier, "appraise"), demo_org.user("chuyenvien.tcbc"), "submit", at=T0 + 3 * H
    )
    assert [t.step_id for t in runtime.open_tasks(dossier)] == ["review"]


def test_without_delegation_the_director_cannot_decide_for_the_chairman(demo_org, citizen):
    """Is the SNV director refused at the chairman's decision when no delegation is in force?"""
    from onestop.domain import Forbidden

    version = publish_file(WORKFLOWS / "1.004227-de-an-vi-tri-viec-lam.yaml")
    dossier, desk = submit(version, citizen, demo_org)
    lifecycle.receive(dossier, demo_org.user(desk), T0 + H)
    for n, (step, branch, user, action) in enumerate(WALKS["1.004227"][:5]):
        runtime.act(
            open_task(dossier, step, branch), demo_org.user(user), action, at=T0 + (2 + n) * H
        )
    with pytest.raises(Forbidden):
        runtime.act(
            open_task(dossier, "decide"), demo_org.user("giamdoc.snv"), "approve", at=T0 + 8 * H
        )
    transition = runtime.act(
        open_task(dossier, "decide"), demo_org.user("chutich.tinh"), "approve", at=T0 + 8 * H
    )
    assert transition.delegation_id is None and dossier.status == "processed"


def test_claim_and_reassign(demo_org, citizen):
    """Can an officer claim a group task, and the head reassign it to a colleague who qualifies?"""
    from onestop.domain import Conflict, DomainError, Forbidden

    version = publish_file(WORKFLOWS / "2.000488-cap-phieu-ly-lich-tu-phap.yaml")
    dossier, desk = submit(version, citizen, demo_org)
    lifecycle.receive(dossier, demo_org.user(desk), T0 + H)
    runtime.act(open_task(dossier, "receive"), demo_org.user(desk), "submit", at=T0 + 2 * H)
    task = open_task(dossier, "verify")
    clerk, head = demo_org.user("chuyenvien.lltp"), demo_org.user("truongphong.lltp")
    runtime.claim(task, clerk, at=T0 + 3 * H)
    assert task.assignee_id == clerk.id
    with pytest.raises(Conflict):
        runtime.claim(task, head, at=T0 + 3 * H)
    with pytest.raises(Forbidden):
        runtime.reassign(task, clerk, head, at=T0 + 3 * H)
    with pytest.raises(DomainError) as err:
        runtime.reassign(task, head, demo_org.user("chuyenvien.hctp"), at=T0 + 3 * H)
    assert err.value.field == "assignee"
    with pytest.raises(Forbidden):
        runtime.act(task, head, "submit", at=T0 + 4 * H)  # assigned to the clerk
    runtime.reassign(task, head, clerk, at=T0 + 4 * H)
    assert db.session.scalar(select(Task.assignee_id).where(Task.id == task.id)) == clerk.id
