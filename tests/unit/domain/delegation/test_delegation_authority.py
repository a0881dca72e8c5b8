"""The authority engine: own holding > delegation > substitution, windows, scope, no chains."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from delegation_helpers import JOB_SCHEME, NOT_DELEGABLE, RELIGION, T0, basis
from sqlalchemy import event

from onestop.domain import Forbidden
from onestop.domain.audit.log import record
from onestop.domain.audit.models import AuditEvent
from onestop.domain.delegation.authority import authorise, holders_of
from onestop.domain.delegation.models import Delegation
from onestop.domain.delegation.operations import (
    appoint_substitute,
    delegate_authority,
    revoke_delegation,
)
from onestop.domain.delegation.signature import signature_block

US = timedelta(microseconds=1)


@pytest.fixture
def chairman(org):
    return org.position("UBND-TINH", "chairman")


@pytest.fixture
def director(org):
    return org.position("SNV", "director")


@pytest.fixture
def tuq(org, admin, chairman, director):
    """Chairman → Director of Home Affairs, job-position schemes, for one year from T0."""
    return delegate_authority(
        admin,
        kind="TUQ",
        delegator_position=chairman,
        delegate_position=director,
        procedure_codes=[JOB_SCHEME],
        actions=["approve", "deny"],
        **basis(),
    )


def decide(user, position, *, code=JOB_SCHEME, action="approve", at=T0 + timedelta(days=1), **kw):
    return authorise(
        user,
        agency_id=position.agency_id,
        position_id=position.id,
        procedure_code=code,
        action=action,
        at=at,
        **kw,
    )


def test_does_the_holder_act_in_their_own_name(org, chairman, director):
    auth = decide(org.user("giamdoc.snv"), director, code=RELIGION)
    assert (auth.kind, auth.principal_position, auth.delegation, auth.form_line) == (
        "own",
        director,
        None,
        None,
    )
    block = signature_block(auth)
    assert (block.form_line, block.signer_title, block.signer_name, block.basis) == (
        None,
        "GIÁM ĐỐC",
        "Hoàng Văn Minh",
        None,
    )


def test_does_the_chairman_sign_for_the_collective_when_the_procedure_says_so(org, chairman):
    """1.004227 is decided by the UBND as a collective (authority.collective in its definition)."""
    auth = decide(org.user("chutich.tinh"), chairman)
    assert signature_block(auth).lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Hùng"]
    assert decide(org.user("chutich.tinh"), chairman, collective=False).form_line is None


@pytest.mark.parametrize("collective", [False, True])
def test_does_a_delegate_sign_tuq_with_the_legal_basis(org, chairman, director, tuq, collective):
    """TUQ. is the chairman's own authority lent out: never under TM. of the collective."""
    auth = decide(org.user("giamdoc.snv"), chairman, collective=collective)
    assert auth.kind == "delegation" and auth.delegation == tuq
    assert auth.principal_position == chairman and auth.signer_position == director
    block = signature_block(auth)
    assert block.lines == ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ", "Hoàng Văn Minh"]
    assert block.basis == "Quyết định số 12/QĐ-UBND ngày 05/01/2026"
    assert block.citation == "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2026 về việc ủy quyền"


@pytest.mark.parametrize(
    "code, action",
    [(RELIGION, "approve"), (JOB_SCHEME, "reassign"), (None, "approve"), (JOB_SCHEME, None)],
)
def test_is_an_act_outside_the_scope_refused(org, chairman, tuq, code, action):
    with pytest.raises(Forbidden) as refused:
        decide(org.user("giamdoc.snv"), chairman, code=code, action=action)
    assert refused.value.field == "user" and "Hoàng Văn Minh" in refused.value.message


@pytest.mark.parametrize(
    "at, allowed",
    [
        (T0 - US, False),
        (T0, True),
        (T0 + timedelta(days=365) - US, True),
        (T0 + timedelta(days=365), False),
    ],
)
def test_are_the_window_edges_exact(org, chairman, tuq, at, allowed):
    user = org.user("giamdoc.snv")
    if allowed:
        assert decide(user, chairman, at=at).delegation == tuq
    else:
        with pytest.raises(Forbidden):
            decide(user, chairman, at=at)


def test_does_revocation_take_effect_at_once_for_an_open_task(org, admin, chairman, tuq):
    user, opened = org.user("giamdoc.snv"), T0 + timedelta(days=3)
    assert decide(user, chairman, at=opened).kind == "delegation"
    revoked_at = opened + timedelta(hours=1)
    revoke_delegation(tuq, admin, "Chủ tịch trở lại làm việc", at=revoked_at)
    with pytest.raises(Forbidden):
        decide(user, chairman, at=revoked_at)
    # What was done before the revocation stays done under it.
    assert decide(user, chairman, at=revoked_at - US).delegation == tuq


def test_does_a_delegation_never_pass_down_a_chain(db, org, chairman, director, tuq):
    """Even a row written past the operations (SNV director → BTG head) confers nothing."""
    db.session.add(
        Delegation(
            kind="TUQ",
            delegator_position_id=director.id,
            delegate_position_id=org.position("BTG", "head").id,
            procedure_codes=[JOB_SCHEME],
            basis_number="1/QĐ-SNV",
            basis_date=date(2026, 1, 6),
            valid_from=T0,
            valid_to=T0 + timedelta(days=30),
        )
    )
    db.session.flush()
    with pytest.raises(Forbidden):
        decide(org.user("truongban.btg"), chairman)


def test_does_a_substitute_get_the_position_but_not_its_delegations(
    org, admin, chairman, director, tuq
):
    deputy = org.user("phogiamdoc.snv")
    appoint_substitute(
        admin,
        position=director,
        substitute=deputy,
        reason="Giám đốc đi công tác",
        **basis(basis_number="30/QĐ-SNV", valid_to=T0 + timedelta(days=10)),
    )
    with pytest.raises(Forbidden):
        decide(deputy, chairman)
    auth = decide(deputy, director, code=RELIGION)
    assert auth.kind == "substitution" and auth.principal_position == director
    block = signature_block(auth)
    assert block.lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Vũ Thị Mai"]
    assert block.basis == "Quyết định số 30/QĐ-SNV ngày 05/01/2026"
    assert block.citation.endswith("về việc phân công người thay thế")


def test_is_a_substitutes_act_audited_as_such(db, org, admin, director):
    deputy = org.user("phogiamdoc.snv")
    substitution = appoint_substitute(
        admin,
        position=director,
        substitute=deputy,
        reason="Nghỉ phép",
        **basis(basis_number="31/QĐ-SNV", valid_to=T0 + timedelta(days=10)),
    )
    auth = decide(deputy, director, code=RELIGION)
    event = record("dossier:task:approve", "dossier:1", **auth.audit_kwargs())
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id)
    assert stored.actor_id == deputy.id and stored.principal_position_id == director.id
    assert stored.delegation_id is None
    assert stored.data == {"capacity": "substitution", "substitution_id": substitution.id}


def test_does_own_holding_win_over_a_delegation(org, admin, chairman, director, tuq):
    # The director also holds a delegation; acting as director it is their own authority.
    auth = decide(org.user("giamdoc.snv"), director, code=RELIGION)
    assert auth.kind == "own" and auth.delegation is None


def test_does_kt_cover_only_the_deputys_assigned_field(org, admin, director):
    kt = delegate_authority(
        admin,
        kind="KT",
        delegator_position=director,
        delegate_position=org.position("SNV", "deputy_director"),
        fields=["Tín ngưỡng, tôn giáo"],
        **basis(basis_number="5/QĐ-SNV"),
    )
    deputy = org.user("phogiamdoc.snv")
    auth = decide(deputy, director, code=RELIGION)
    assert auth.delegation == kt and signature_block(auth).lines == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Vũ Thị Mai",
    ]
    with pytest.raises(Forbidden):
        decide(deputy, org.position("UBND-TINH", "chairman"))


def test_does_tl_give_the_office_chief_only_the_named_actions(org, admin, chairman):
    delegate_authority(
        admin,
        kind="TL",
        delegator_position=chairman,
        delegate_position=org.position("UBND-TINH", "office_chief"),
        actions=["sign_copy"],
        **basis(),
    )
    chief = org.user("chanhvp.tinh")
    auth = decide(chief, chairman, action="sign_copy")
    assert signature_block(auth).lines == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Lê Minh Tâm"]
    with pytest.raises(Forbidden):
        decide(chief, chairman, action="approve")


def test_does_a_collective_decision_read_tm_then_kt(org, admin, chairman):
    own = decide(org.user("chutich.tinh"), chairman, collective=True)
    assert own.form_line == "TM. ỦY BAN NHÂN DÂN"
    delegate_authority(
        admin,
        kind="KT",
        delegator_position=chairman,
        delegate_position=org.position("UBND-TINH", "vice_chairman"),
        **basis(),
    )
    auth = decide(org.user("phochutich.tinh"), chairman, collective=True)
    assert signature_block(auth).lines == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Thị Lan",
    ]


def test_is_a_non_delegable_authority_kept_by_its_holder(db, org, chairman, director):
    db.session.add(
        Delegation(
            kind="TUQ",
            delegator_position_id=chairman.id,
            delegate_position_id=director.id,
            procedure_codes=[NOT_DELEGABLE],
            basis_number="2/QĐ-UBND",
            basis_date=date(2026, 1, 5),
            valid_from=T0,
            valid_to=T0 + timedelta(days=30),
        )
    )
    db.session.flush()
    with pytest.raises(Forbidden):
        decide(org.user("giamdoc.snv"), chairman, code=NOT_DELEGABLE)


def test_which_of_two_overlapping_delegations_is_used(org, admin, chairman, director):
    """Naming the procedure beats a field-wide scope; among equals the latest decision wins."""
    delegate_authority(
        admin,
        kind="TUQ",
        delegator_position=chairman,
        delegate_position=director,
        fields=["Tổ chức - Biên chế"],
        **basis(basis_number="20/QĐ-UBND"),
    )
    named = delegate_authority(
        admin,
        kind="TUQ",
        delegator_position=chairman,
        delegate_position=director,
        procedure_codes=[JOB_SCHEME],
        **basis(basis_number="21/QĐ-UBND"),
    )
    later = delegate_authority(
        admin,
        kind="TUQ",
        delegator_position=chairman,
        delegate_position=director,
        procedure_codes=[JOB_SCHEME],
        **basis(basis_number="22/QĐ-UBND", valid_from=T0 + US),
    )
    user = org.user("giamdoc.snv")
    assert decide(user, chairman, at=T0).delegation == named
    assert decide(user, chairman, at=T0 + timedelta(days=1)).delegation == later


def test_who_holds_a_role_at_an_instant(org):
    snv = org.agency("SNV")
    assert [u.username for u in holders_of(snv.id, None, "leader", T0)] == ["giamdoc.snv"]
    tcbc = org.unit("SNV", "TCBC")
    assert [u.username for u in holders_of(snv.id, tcbc.id, "specialist", T0)] == [
        "chuyenvien.tcbc"
    ]
    assert holders_of(snv.id, tcbc.id, "receiver", T0) == []


def test_is_a_citizen_never_authorised(org, chairman):
    with pytest.raises(Forbidden):
        decide(org.user("001090001234"), chairman)


@pytest.mark.parametrize("username", ["chutich.tinh", "giamdoc.snv", "truongban.btg"])
def test_does_authorise_use_a_fixed_number_of_queries(db, org, chairman, tuq, username):
    """Own, delegated or refused: the check costs a handful of queries, never one per row."""
    for extra in range(5):  # more delegations must not mean more queries
        db.session.add(
            Delegation(
                kind="TUQ",
                delegator_position_id=chairman.id,
                delegate_position_id=org.position("STP", "director").id,
                procedure_codes=[JOB_SCHEME],
                basis_number=f"{extra}/QĐ",
                basis_date=date(2026, 1, 1),
                valid_from=T0,
                valid_to=T0 + timedelta(days=2),
            )
        )
    db.session.flush()
    user = org.user(username)
    db.session.expire_all()
    db.session.refresh(user)
    db.session.refresh(chairman)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with contextlib.suppress(Forbidden):
            decide(user, chairman)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 7, [s[:90] for s in statements]
