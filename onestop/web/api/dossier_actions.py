"""Dossier-level actions over the API: the desk receives, asks for a supplement or refuses;
the applicant answers a supplement or withdraws. Step actions are in `officer.py`."""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate

from onestop.domain.dossiers import lifecycle
from onestop.domain.dossiers.models import Dossier
from onestop.domain.dossiers.pauses import complete_supplement, request_supplement
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.officer.blueprint import officer_sees

from .citizen import PartUploadSchema, uploads_from_json
from .officer import call_domain
from .spec import ApiError, api_user, endpoint, json_body

OFFICER_TAG = "Cán bộ"
CITIZEN_TAG = "Công dân"


class ReasonSchema(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Lý do (in trên phiếu)"},
    )


class SupplementRequestSchema(ReasonSchema):
    items = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Các giấy tờ cần bổ sung, hoàn thiện"},
    )
    acknowledge_late = fields.Boolean(
        load_default=False,
        metadata={"description": "Xác nhận yêu cầu bổ sung lần hai (hồ sơ bị tính quá hạn)"},
    )


class SupplementAnswerSchema(Schema):
    parts = fields.List(
        fields.Nested(PartUploadSchema), required=True, validate=validate.Length(min=1)
    )


class DossierStateSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    status = fields.String()
    due_at = fields.DateTime(allow_none=True)


def _state(dossier: Dossier):
    return jsonify(
        {
            "id": dossier.id,
            "code": dossier.code,
            "status": dossier.status,
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        }
    )


def _officer_dossier(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not officer_sees(api_user(), dossier):
        raise ApiError(404, "Không tìm thấy hồ sơ.")
    return dossier


def _own_dossier(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.applicant_id != api_user().id:
        raise ApiError(404, "Không tìm thấy hồ sơ.")
    return dossier


def _commit(dossier: Dossier):
    db.session.commit()
    return _state(dossier)


@endpoint(
    "/officer/dossiers/<int:dossier_id>/receive",
    methods=("POST",),
    tag=OFFICER_TAG,
    summary="Tiếp nhận hồ sơ: cấp mã, hẹn ngày trả (mẫu 01)",
    auth="officer",
    response=DossierStateSchema,
)
def api_receive(dossier_id: int):
    dossier = _officer_dossier(dossier_id)
    call_domain(lambda: lifecycle.receive(dossier, api_user(), clock.now()))
    return _commit(dossier)


@endpoint(
    "/officer/dossiers/<int:dossier_id>/supplement-request",
    methods=("POST",),
    tag=OFFICER_TAG,
    summary="Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
    auth="officer",
    body=SupplementRequestSchema,
    response=DossierStateSchema,
)
def api_request_supplement(dossier_id: int):
    data = json_body(SupplementRequestSchema())
    dossier = _officer_dossier(dossier_id)
    call_domain(
        lambda: request_supplement(
            dossier,
            api_user(),
            data["reason"],
            data["items"],
            at=clock.now(),
            acknowledge_late=data["acknowledge_late"],
        )
    )
    return _commit(dossier)


@endpoint(
    "/officer/dossiers/<int:dossier_id>/refuse",
    methods=("POST",),
    tag=OFFICER_TAG,
    summary="Từ chối hồ sơ, nêu rõ lý do (mẫu 03)",
    auth="officer",
    body=ReasonSchema,
    response=DossierStateSchema,
)
def api_refuse(dossier_id: int):
    data = json_body(ReasonSchema())
    dossier = _officer_dossier(dossier_id)
    call_domain(lambda: lifecycle.refuse(dossier, api_user(), data["reason"], clock.now()))
    return _commit(dossier)


@endpoint(
    "/dossiers/<int:dossier_id>/supplement",
    methods=("POST",),
    tag=CITIZEN_TAG,
    summary="Nộp bổ sung theo yêu cầu",
    auth="citizen",
    body=SupplementAnswerSchema,
    response=DossierStateSchema,
)
def api_complete_supplement(dossier_id: int):
    data = json_body(SupplementAnswerSchema())
    dossier = _own_dossier(dossier_id)
    uploads = uploads_from_json(data["parts"])
    call_domain(lambda: complete_supplement(dossier, api_user(), uploads, at=clock.now()))
    return _commit(dossier)


@endpoint(
    "/dossiers/<int:dossier_id>/withdraw",
    methods=("POST",),
    tag=CITIZEN_TAG,
    summary="Rút hồ sơ, dừng giải quyết (mẫu 05)",
    auth="citizen",
    body=ReasonSchema,
    response=DossierStateSchema,
)
def api_withdraw(dossier_id: int):
    data = json_body(ReasonSchema())
    dossier = _own_dossier(dossier_id)
    call_domain(lambda: lifecycle.withdraw(dossier, api_user(), data["reason"], clock.now()))
    return _commit(dossier)
