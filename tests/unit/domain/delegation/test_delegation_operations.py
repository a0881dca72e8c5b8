"""Creating, revoking and substituting: every bad input is refused naming its field, all audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from delegation_helpers import JOB_SCHEME, NOT_DELEGABLE, RELIGION, T0, basis
from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import verify_chain
from onestop.domain.audit.models import AuditEvent
from onestop.domain.delegation.operations import (
    appoint_substitute,
    delegate_authority,
    revoke_delegation,
    revoke_substitution,
)
from onestop.domain.delegation.queries import (
    delegation_history,
    delegations_for,
    list_delegations,
    on_behalf_capacities,
    who_can_decide,
)


@pytest.fixture
def chairman(org):
    return org.position("UBND-TINH", "chairman")


@pytest.fixture
def director(org):
    return org.position("SNV", "director")


def tuq(admin, chairman, director, **overrides):
    args = {
        "kind": "TUQ",
        "delegator_position": chairman,
        "delegate_position": director,
        "procedure_codes": [JOB_SCHEME],
        **basis(),
    }
    args.update(overrides)
    return delegate_authority(admin, **args)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"kind": "XX"}, "kind"),
        ({"valid_to": T0}, "valid_to"),
        ({"valid_to": T0 - timedelta(days=1)}, "valid_to"),
        ({"valid_to": None}, "valid_to"),
        ({"valid_from": datetime(2026, 3, 2, 8, 0)}, "valid_from"),
        ({"valid_to": T0 + timedelta(days=1), "at": T0 + timedelta(days=2)}, "valid_to"),
        ({"basis_number": "  "}, "basis_number"),
        ({"basis_date": None}, "basis_date"),
        ({"basis_date": date(2026, 3, 3)}, "basis_date"),
        ({"procedure_codes": []}, "procedure_codes"),
        ({"procedure_codes": ["0.000000"]}, "procedure_codes"),
        ({"procedure_codes": [NOT_DELEGABLE]}, "procedure_codes"),
        ({"procedure_codes": [RELIGION]}, "procedure_codes"),
        ({"procedure_codes": [JOB_SCHEME, ""]}, "procedure_codes"),
        ({"actions": [""]}, "actions"),
    ],
)
def test_is_a_bad_delegation_refused_naming_the_field(
    org, admin, chairman, director, overrides, field
):
    with pytest.raises(DomainError) as refused:
        tuq(admin, chairman, director, **overrides)
    assert refused.value.field == field and refused.value.message


def test_is_a_delegation_to_the_delegator_refused(org, admin, chairman):
    with pytest.raises(DomainError) as refused:
        tuq(admin, chairman, chairman)
    assert refused.value.field == "delegate_position_id"
    with pytest.raises(DomainError) as refused:
        tuq(admin, chairman, None, delegate_user=org.user("chutich.tinh"))
    assert refused.value.field == "delegate_user_id"


def test_must_exactly_one_delegate_be_named(org, admin, chairman, director):
    with pytest.raises(DomainError) as refused:
        tuq(admin, chairman, director, delegate_user=org.user("giamdoc.snv"))
    assert refused.value.field == "delegate"


def test_is_sub_delegation_refused(org, admin, chairman, director):
    """SNV director holds job schemes only by delegation: passing them on is refused."""
    tuq(admin, chairman, director)
    with pytest.raises(DomainError) as refused:
        tuq(admin, director, org.position("BTG", "head"))
    assert refused.value.field == "procedure_codes" and "ủy quyền" in refused.value.message


def test_must_tuq_stay_within_the_delegators_agencies(org, admin, director):
    """Sở Tư pháp is not under Sở Nội vụ: its deputy director cannot receive the director's TUQ."""
    with pytest.raises(DomainError) as refused:
        tuq(admin, director, org.position("STP", "deputy_director"), procedure_codes=[RELIGION])
    assert refused.value.field == "delegate_position_id"


@pytest.mark.parametrize(
    "delegator, fields",
    [
        (("SNV", "director"), ["Tổ chức - Biên chế"]),  # held only by delegation: no chain
        (("UBND-TINH", "chairman"), ["Tín ngưỡng, tôn giáo"]),  # the director's, not the chairman's
        (("UBND-TINH", "chairman"), ["Không có lĩnh vực này"]),
    ],
)
def test_is_a_field_the_delegator_does_not_hold_refused(
    org, admin, chairman, director, delegator, fields
):
    tuq(admin, chairman, director)
    with pytest.raises(DomainError) as refused:
        tuq(
            admin,
            org.position(*delegator),
            org.position("BTG", "head"),
            procedure_codes=[],
            fields=fields,
        )
    assert refused.value.field == "fields"


@pytest.mark.parametrize(
    "kind, delegator, delegate, field",
    [
        ("KT", ("SNV", "director"), ("SNV", "tcbc_head"), "delegate_position_id"),
        ("KT", ("SNV", "director"), ("STP", "deputy_director"), "delegate_position_id"),
        ("KT", ("SNV", "tcbc_specialist"), ("SNV", "deputy_director"), "delegator_position_id"),
        ("TL", ("SNV", "director"), ("SNV", "deputy_director"), "delegate_position_id"),
        ("TL", ("SNV", "tcbc_head"), ("SNV", "office_chief"), "delegator_position_id"),
    ],
)
def test_are_kt_and_tl_given_only_to_deputies_and_office_chiefs(
    org, admin, kind, delegator, delegate, field
):
    with pytest.raises(DomainError) as refused:
        delegate_authority(
            admin,
            kind=kind,
            delegator_position=org.position(*delegator),
            delegate_position=org.position(*delegate),
            **basis(),
        )
    assert refused.value.field == field


def test_may_only_an_admin_or_the_delegator_delegate(org, chairman, director):
    with pytest.raises(Forbidden):
        tuq(org.user("giamdoc.snv"), chairman, director)
    made = tuq(org.user("chutich.tinh"), chairman, director)
    assert made.created_by_id == org.user("chutich.tinh").id


def test_is_each_change_audited_and_listed_in_history(org, admin, chairman, director):
    first = tuq(admin, chairman, director)
    second = tuq(admin, chairman, director, basis_number="13/QĐ-UBND")
    revoke_delegation(second, admin, "Thay bằng quyết định khác", at=T0 + timedelta(days=2))
    events = delegation_history(second)
    assert [e.action for e in events] == ["delegation:create", "delegation:revoke"]
    assert events[0].data["overlaps"] == [first.id]
    assert events[0].principal_position_id == chairman.id and events[0].actor_id == admin.id
    assert verify_chain().intact


def test_is_a_revocation_refused_twice_or_without_reason(org, admin, chairman, director):
    made = tuq(admin, chairman, director)
    with pytest.raises(DomainError) as refused:
        revoke_delegation(made, admin, " ", at=T0)
    assert refused.value.field == "reason"
    revoke_delegation(made, admin, "Hết nhu cầu", at=T0)
    with pytest.raises(Conflict):
        revoke_delegation(made, admin, "Lần nữa", at=T0 + timedelta(hours=1))
    with pytest.raises(Forbidden):
        revoke_delegation(tuq(admin, chairman, director), org.user("giamdoc.snv"), "x", at=T0)


def test_is_an_expired_delegation_not_revoked(org, admin, chairman, director):
    made = tuq(admin, chairman, director, valid_to=T0 + timedelta(days=1))
    with pytest.raises(Conflict) as refused:
        revoke_delegation(made, admin, "Muộn", at=T0 + timedelta(days=1))
    assert refused.value.field == "valid_to"


def test_does_a_delegate_see_on_behalf_capacities(org, admin, chairman, director):
    made = tuq(admin, chairman, director)
    user, at = org.user("giamdoc.snv"), T0 + timedelta(days=1)
    assert delegations_for(user, at) == [made]
    (capacity,) = on_behalf_capacities(user, at)
    assert capacity.label == "TUQ. Chủ tịch (UBND tỉnh)"
    assert capacity.covers(JOB_SCHEME) and not capacity.covers(RELIGION)
    assert capacity.matches_step(agency_id=chairman.agency_id, position_id=chairman.id)
    assert not capacity.matches_step(agency_id=director.agency_id, position_id=director.id)
    assert delegations_for(user, T0 - timedelta(seconds=1)) == []
    assert delegations_for(org.user("truongban.btg"), at) == []


def test_who_can_decide_today(org, admin, chairman, director):
    tuq(admin, chairman, director)
    deciders = who_can_decide(JOB_SCHEME, T0 + timedelta(days=1))
    assert [(d.user.username, d.kind) for d in deciders] == [
        ("chutich.tinh", "own"),
        ("giamdoc.snv", "delegation"),
    ]
    assert [d.kind for d in who_can_decide(JOB_SCHEME, T0 - timedelta(days=1))] == ["own"]


def substitute(admin, org, **overrides):
    args = {
        "position": org.position("SNV", "director"),
        "substitute": org.user("phogiamdoc.snv"),
        "reason": "Giám đốc đi học",
        **basis(basis_number="40/QĐ-SNV", valid_to=T0 + timedelta(days=5)),
    }
    args.update(overrides)
    return appoint_substitute(admin, **args)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"reason": ""}, "reason"),
        ({"basis_number": ""}, "basis_number"),
        ({"valid_to": None}, "valid_to"),
        ({"valid_to": T0}, "valid_to"),
        ({"substitute_key": "giamdoc.snv"}, "substitute_user_id"),
        ({"substitute_key": "chuyenvien.lltp"}, "substitute_user_id"),
        ({"substitute_key": "001090001234"}, "substitute_user_id"),
    ],
)
def test_is_a_bad_substitution_refused_naming_the_field(org, admin, overrides, field):
    key = overrides.pop("substitute_key", None)
    if key:
        overrides["substitute"] = org.user(key)
    with pytest.raises(DomainError) as refused:
        substitute(admin, org, **overrides)
    assert refused.value.field == field


def test_are_overlapping_substitutes_refused_and_revocation_immediate(db, org, admin):
    made = substitute(admin, org)
    with pytest.raises(Conflict) as refused:
        substitute(
            admin,
            org,
            substitute=org.user("chanhvp.snv"),
            valid_from=T0 + timedelta(days=4),
            valid_to=T0 + timedelta(days=8),
        )
    assert refused.value.field == "valid_from"
    deputy, at = org.user("phogiamdoc.snv"), T0 + timedelta(days=1)
    assert [c.kind for c in on_behalf_capacities(deputy, at)] == ["substitution"]
    revoke_substitution(made, admin, "Giám đốc về sớm", at=at)
    assert on_behalf_capacities(deputy, at) == []
    events = select(AuditEvent.action).where(AuditEvent.subject == f"substitution:{made.id}")
    assert list(db.session.scalars(events)) == [
        "delegation:substitute",
        "delegation:substitute:revoke",
    ]


def test_are_naive_instants_refused(org, admin, chairman, director):
    with pytest.raises(DomainError) as refused:
        tuq(admin, chairman, director, valid_to=datetime(2027, 1, 1))
    assert refused.value.field == "valid_to"


def test_does_the_admin_list_show_each_state(org, admin, chairman, director):
    live = tuq(admin, chairman, director)
    later = tuq(
        admin, chairman, director, basis_number="14/QĐ-UBND", valid_from=T0 + timedelta(days=30)
    )
    gone = tuq(admin, chairman, director, basis_number="15/QĐ-UBND")
    revoke_delegation(gone, admin, "Nhầm", at=T0 + timedelta(hours=1))
    at = T0 + timedelta(days=1)
    assert [(d.id, d.state(at)) for d in list_delegations(at, agency_id=chairman.agency_id)] == [
        (later.id, "scheduled"),
        (gone.id, "revoked"),
        (live.id, "in_force"),
    ]
    assert list_delegations(at, states=("in_force",)) == [live]
    assert live.state(T0 + timedelta(days=365)) == "expired"
    assert live.scope_text == "thủ tục 1.004227; mọi thao tác"


def test_are_bare_dates_whole_local_days(org, admin, chairman, director):
    """`01/04/2026 – 30/04/2026` runs from local midnight to the end of 30 April in Hà Nội."""
    made = tuq(admin, chairman, director, valid_from=date(2026, 4, 1), valid_to=date(2026, 4, 30))
    assert made.valid_from == datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    assert made.valid_to == datetime(2026, 4, 30, 17, 0, tzinfo=UTC)
    assert made.in_force(datetime(2026, 4, 30, 16, 59, 59, tzinfo=UTC))
    assert not made.in_force(made.valid_to)
