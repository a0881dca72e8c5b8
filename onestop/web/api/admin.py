"""Administration API: delegations (list, create, revoke), the org tree, people and holdings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import jsonify, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from onestop.domain import DomainError, NotFound
from onestop.domain.delegation.models import DELEGATION_KINDS, Delegation
from onestop.domain.delegation.operations import delegate_authority, revoke_delegation
from onestop.domain.delegation.queries import list_delegations
from onestop.domain.org import operations as org_operations
from onestop.domain.org.models import Agency, Position, PositionHolding, User
from onestop.extensions import db
from onestop.infra import clock

from .spec import api_user, endpoint, json_body

STATES = ("in_force", "scheduled", "expired", "revoked")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class DelegationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "TUQ (ủy quyền), KT (ký thay), TL (thừa lệnh)"})
    state = fields.String(metadata={"description": "in_force, scheduled, expired, revoked"})
    delegator_position_id = fields.Integer()
    delegator = fields.String()
    delegate_position_id = fields.Integer(allow_none=True)
    delegate_user_id = fields.Integer(allow_none=True)
    delegate = fields.String()
    procedure_codes = fields.List(fields.String())
    fields_ = fields.List(fields.String(), data_key="fields")
    actions = fields.List(fields.String())
    basis = fields.String()
    valid_from = fields.DateTime()
    valid_to = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revocation_reason = fields.String(allow_none=True)


class DelegationRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DELEGATION_KINDS))
    delegator_position_id = fields.Integer(required=True)
    delegate_position_id = fields.Integer(load_default=None)
    delegate_user_id = fields.Integer(load_default=None)
    procedure_codes = fields.List(fields.String(), load_default=list)
    fields_ = fields.List(fields.String(), load_default=list, data_key="fields")
    actions = fields.List(fields.String(), load_default=list)
    basis_type = fields.String(load_default="Quyết định")
    basis_number = fields.String(required=True)
    basis_date = fields.Date(required=True, metadata={"description": "YYYY-MM-DD"})
    valid_from = fields.Date(required=True, metadata={"description": "Ngày bắt đầu (giờ Việt Nam)"})
    valid_to = fields.Date(
        load_default=None, metadata={"description": "Hết ngày này thì hết hiệu lực"}
    )
    note = fields.String(load_default=None)


class RevokeRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class OrgPositionSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    title = fields.String()
    role = fields.String()
    unit_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class OrgUnitSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    one_stop = fields.Boolean()
    active = fields.Boolean()


class OrgAgencySchema(Schema):
    id = fields.Integer()
    key = fields.String()
    eid = fields.String()
    name = fields.String()
    level = fields.String()
    parent_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    units = fields.List(fields.Nested(OrgUnitSchema))
    positions = fields.List(fields.Nested(OrgPositionSchema))


def delegation_dict(delegation: Delegation) -> dict:
    """A delegation as the API shows it, with its state now."""
    delegate = (
        f"{delegation.delegate_position.title}, {delegation.delegate_position.agency.name}"
        if delegation.delegate_position
        else delegation.delegate_user.full_name
    )
    return DelegationSchema().dump(
        {
            "id": delegation.id,
            "kind": delegation.kind,
            "state": delegation.state(clock.now()),
            "delegator_position_id": delegation.delegator_position_id,
            "delegator": f"{delegation.delegator_position.title}, "
            f"{delegation.delegator_position.agency.name}",
            "delegate_position_id": delegation.delegate_position_id,
            "delegate_user_id": delegation.delegate_user_id,
            "delegate": delegate,
            "procedure_codes": delegation.procedure_codes,
            "fields_": delegation.fields,
            "actions": delegation.actions,
            "basis": delegation.basis,
            "valid_from": delegation.valid_from,
            "valid_to": delegation.valid_to,
            "revoked_at": delegation.revoked_at,
            "revocation_reason": delegation.revocation_reason,
        }
    )


def _lookup(model, ident, field: str, label: str):
    if ident is None:
        return None
    found = db.session.get(model, ident)
    if found is None:
        raise DomainError(f"Không có {label} số {ident}.", field=field)
    return found


@endpoint(
    "/delegations",
    summary="Danh sách ủy quyền theo trạng thái",
    tag="Quản trị",
    auth="admin",
    response=DelegationSchema(many=True),
    params=[
        {"name": "state", "in": "query", "schema": {"type": "string", "enum": list(STATES)}},
        {
            "name": "agency",
            "in": "query",
            "description": "Mã cơ quan của người ủy quyền",
            "schema": {"type": "string"},
        },
    ],
)
def list_delegations_api():
    state = request.args.get("state")
    if state and state not in STATES:
        raise DomainError(f"Trạng thái phải là một trong {', '.join(STATES)}.", field="state")
    agency_id = None
    if request.args.get("agency"):
        agency = db.session.scalar(select(Agency).where(Agency.key == request.args["agency"]))
        if agency is None:
            raise DomainError("Không có cơ quan mã này.", field="agency")
        agency_id = agency.id
    found = list_delegations(clock.now(), agency_id=agency_id, states=(state,) if state else None)
    return jsonify([delegation_dict(d) for d in found])


@endpoint(
    "/delegations",
    methods=("POST",),
    summary="Lập ủy quyền (TUQ./KT./TL.)",
    tag="Quản trị",
    auth="admin",
    body=DelegationRequestSchema,
    response=DelegationSchema,
)
def create_delegation_api():
    data = json_body(DelegationRequestSchema())
    delegation = delegate_authority(
        api_user(),
        kind=data["kind"],
        delegator_position=_lookup(
            Position, data["delegator_position_id"], "delegator_position_id", "chức danh"
        ),
        delegate_position=_lookup(
            Position, data["delegate_position_id"], "delegate_position_id", "chức danh"
        ),
        delegate_user=_lookup(User, data["delegate_user_id"], "delegate_user_id", "người dùng"),
        procedure_codes=data["procedure_codes"],
        fields=data["fields_"],
        actions=data["actions"],
        basis_type=data["basis_type"],
        basis_number=data["basis_number"],
        basis_date=data["basis_date"],
        valid_from=data["valid_from"],
        valid_to=data["valid_to"],
        note=data["note"],
    )
    db.session.commit()
    return jsonify(delegation_dict(delegation)), 201


@endpoint(
    "/delegations/<int:delegation_id>/revoke",
    methods=("POST",),
    summary="Thu hồi ủy quyền",
    tag="Quản trị",
    auth="admin",
    body=RevokeRequestSchema,
    response=DelegationSchema,
)
def revoke_delegation_api(delegation_id: int):
    data = json_body(RevokeRequestSchema())
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound("Không có ủy quyền này.")
    revoke_delegation(delegation, api_user(), data["reason"])
    db.session.commit()
    return jsonify(delegation_dict(delegation))


@endpoint(
    "/org/agencies",
    summary="Cây tổ chức: cơ quan, đơn vị, chức danh",
    tag="Quản trị",
    auth="admin",
    response=OrgAgencySchema(many=True),
)
def org_agencies_api():
    positions: dict[int, list[Position]] = {}
    for position in db.session.scalars(select(Position).order_by(Position.id)):
        positions.setdefault(position.agency_id, []).append(position)
    agencies = db.session.scalars(select(Agency).order_by(Agency.eid)).all()
    schema = OrgAgencySchema(many=True)
    return jsonify(
        schema.dump(
            [
                {
                    "id": a.id,
                    "key": a.key,
                    "eid": a.eid,
                    "name": a.name,
                    "level": a.level,
                    "parent_id": a.parent_id,
                    "active": a.active,
                    "units": a.units,
                    "positions": positions.get(a.id, []),
                }
                for a in agencies
            ]
        )
    )


class PersonRequestSchema(Schema):
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("citizen", "officer", "admin")))
    email = fields.String(load_default=None)
    phone = fields.String(load_default=None)
    id_number = fields.String(load_default=None)
    password = fields.String(
        load_default=None, metadata={"description": "Bỏ trống: tài khoản chưa đăng nhập được"}
    )


class PersonSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    kind = fields.String()
    active = fields.Boolean()


class HoldingRequestSchema(Schema):
    username = fields.String(required=True)
    agency = fields.String(required=True, metadata={"description": "Mã cơ quan, ví dụ SNV"})
    position = fields.String(required=True, metadata={"description": "Mã chức danh"})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, metadata={"description": "Giữ đến hết ngày này"})


class HoldingSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    position_id = fields.Integer()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)


def _local_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


@endpoint(
    "/org/users",
    methods=("POST",),
    summary="Tạo tài khoản người dùng",
    tag="Quản trị",
    auth="admin",
    body=PersonRequestSchema,
    response=PersonSchema,
)
def create_person_api():
    data = json_body(PersonRequestSchema())
    password = data.pop("password")
    user = org_operations.create_person(
        api_user(), password=password, without_password=password is None, **data
    )
    db.session.commit()
    return jsonify(PersonSchema().dump(user)), 201


@endpoint(
    "/org/holdings",
    methods=("POST",),
    summary="Giao chức danh cho người dùng trong một thời kỳ",
    tag="Quản trị",
    auth="admin",
    body=HoldingRequestSchema,
    response=HoldingSchema,
)
def create_holding_api():
    data = json_body(HoldingRequestSchema())
    user = db.session.scalar(select(User).where(User.username == data["username"]))
    if user is None:
        raise DomainError("Không có tài khoản này.", field="username")
    agency = db.session.scalar(select(Agency).where(Agency.key == data["agency"]))
    if agency is None:
        raise DomainError("Không có cơ quan mã này.", field="agency")
    position = db.session.scalar(
        select(Position).where(Position.agency_id == agency.id, Position.key == data["position"])
    )
    if position is None:
        raise DomainError("Cơ quan không có chức danh mã này.", field="position")
    ends_on = data["ends_on"]
    holding = org_operations.assign_position(
        api_user(),
        user,
        position,
        starts_at=_local_start(data["starts_on"]),
        ends_at=_local_start(ends_on + timedelta(days=1)) if ends_on else None,
    )
    db.session.commit()
    return jsonify(HoldingSchema().dump(holding)), 201


@endpoint(
    "/org/holdings/<int:holding_id>/end",
    methods=("POST",),
    summary="Kết thúc việc giữ chức danh ngay bây giờ",
    tag="Quản trị",
    auth="admin",
    response=HoldingSchema,
)
def end_holding_api(holding_id: int):
    holding = db.session.get(PositionHolding, holding_id)
    if holding is None:
        raise NotFound("Không có bản ghi giữ chức danh này.")
    org_operations.end_holding(api_user(), holding)
    db.session.commit()
    return jsonify(HoldingSchema().dump(holding))
