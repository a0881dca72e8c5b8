"""Org administration: agencies, units, positions, people and holdings, validated and audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import verify_chain
from onestop.domain.audit.models import AuditEvent
from onestop.domain.org import operations as ops
from onestop.extensions import db


@pytest.fixture
def admin(demo_org):
    return demo_org.user("admin")


def _last_event(action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    ).first()


def test_create_agency_is_audited_with_after_values(admin, demo_org):
    """Does a new agency get an audit event that carries its values?"""
    agency = ops.create_agency(
        admin,
        key="SYT",
        eid="H99.77",
        name="Sở Y tế",
        level="department",
        parent=demo_org.agency("UBND-TINH"),
    )
    event = _last_event("org:agency:create")
    assert event.subject == f"agency:{agency.id}"
    assert event.data["after"]["eid"] == "H99.77" and event.data["before"] is None
    assert verify_chain().intact


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"key": "SNV"}, "key"),
        ({"eid": "H99.10"}, "eid"),
        ({"eid": "h99 x"}, "eid"),
        ({"level": "village"}, "level"),
        ({"name": "  "}, "name"),
        ({"parent": None}, "parent_id"),
    ],
)
def test_agency_bad_input_names_the_field(admin, demo_org, values, field):
    """Is every bad agency value refused with the field it concerns?"""
    base = {
        "key": "SYT",
        "eid": "H99.77",
        "name": "Sở Y tế",
        "level": "department",
        "parent": demo_org.agency("UBND-TINH"),
    }
    with pytest.raises(DomainError) as err:
        ops.create_agency(admin, **{**base, **values})
    assert err.value.field == field


def test_agency_cannot_move_under_its_own_child(admin, demo_org):
    """Is a cycle in the tree refused?"""
    with pytest.raises(DomainError) as err:
        ops.update_agency(admin, demo_org.agency("SNV"), parent=demo_org.agency("BTG"))
    assert err.value.field == "parent_id"


def test_update_agency_records_before_and_after(admin, demo_org):
    """Does an update audit only what changed, before and after?"""
    ops.update_agency(admin, demo_org.agency("STP"), name="Sở Tư pháp tỉnh")
    event = _last_event("org:agency:update")
    assert event.data == {"before": {"name": "Sở Tư pháp"}, "after": {"name": "Sở Tư pháp tỉnh"}}


def test_officer_cannot_administer(demo_org):
    """Is a non-administrator refused?"""
    with pytest.raises(Forbidden):
        ops.create_unit(demo_org.user("giamdoc.snv"), demo_org.agency("SNV"), key="X", name="X")


def test_unit_and_position_rules(admin, demo_org):
    """Are duplicate keys, bad roles and units of another agency refused?"""
    snv = demo_org.agency("SNV")
    unit = ops.create_unit(admin, snv, key="CCVC", name="Phòng Công chức")
    with pytest.raises(Conflict):
        ops.create_unit(admin, snv, key="CCVC", name="Trùng")
    with pytest.raises(DomainError) as err:
        ops.create_position(admin, snv, key="p", title="T", role="king")
    assert err.value.field == "role"
    with pytest.raises(DomainError) as err:
        ops.create_position(
            admin, snv, key="p", title="T", role="head", unit_id=demo_org.unit("STP", "LLTP").id
        )
    assert err.value.field == "unit_id"
    position = ops.create_position(
        admin, snv, key="ccvc_head", title="Trưởng phòng", role="head", unit_id=unit.id
    )
    assert position.unit is unit


def test_person_validation(admin):
    """Are bad usernames, e-mails, ID numbers and short passwords refused by field?"""
    base = {
        "username": "nguyen.a",
        "full_name": "Nguyễn A",
        "kind": "officer",
        "password": "long-enough-1",
    }
    for values, field in (
        ({"username": "A B"}, "username"),
        ({"username": "admin"}, "username"),
        ({"email": "x@"}, "email"),
        ({"id_number": "12ab"}, "id_number"),
        ({"kind": "boss"}, "kind"),
        ({"password": "short"}, "password"),
    ):
        with pytest.raises(DomainError) as err:
            ops.create_person(admin, **{**base, **values})
        assert err.value.field == field
    user = ops.create_person(admin, **base)
    assert user.password_hash.startswith("$argon2")
    assert "password" not in str(_last_event("org:user:create").data)


def test_admin_cannot_lock_themselves_out(admin):
    """Is self-deactivation refused?"""
    with pytest.raises(DomainError) as err:
        ops.update_person(admin, admin, active=False)
    assert err.value.field == "active"


def test_holdings_over_periods(admin, demo_org):
    """Can a holding be created, overlap refused, and ended (audited)?"""
    user = demo_org.user("chuyenvien.btg")
    position = demo_org.position("SNV", "tcbc_specialist")
    start = datetime(2026, 12, 1, tzinfo=UTC)
    holding = ops.assign_position(admin, user, position, starts_at=start)
    with pytest.raises(Conflict):
        ops.assign_position(admin, user, position, starts_at=datetime(2026, 12, 2, tzinfo=UTC))
    with pytest.raises(DomainError) as err:
        ops.end_holding(admin, holding, ends_at=datetime(2026, 11, 1, tzinfo=UTC))
    assert err.value.field == "ends_at"
    ops.end_holding(admin, holding, ends_at=datetime(2026, 12, 31, tzinfo=UTC))
    assert holding.ends_at == datetime(2026, 12, 31, tzinfo=UTC)
    assert _last_event("org:holding:end").data["after"]["ends_at"].startswith("2026-12-31")
    with pytest.raises(DomainError) as err:
        ops.assign_position(admin, demo_org.user("admin"), position, starts_at=start)
    assert err.value.field == "user_id"
