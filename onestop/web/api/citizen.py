"""Citizen API: the catalogue, submitting a dossier, my dossiers and one dossier's status."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from flask import jsonify, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from onestop.domain import NotFound
from onestop.domain.dossiers.attachments import Upload
from onestop.domain.dossiers.lifecycle import submit_online
from onestop.domain.dossiers.models import Dossier
from onestop.domain.dossiers.queries import dossiers_of
from onestop.domain.dossiers.queries import facts as dossier_facts
from onestop.domain.procedures.catalogue import facts as procedure_facts
from onestop.domain.procedures.catalogue import version_by_code
from onestop.extensions import db

from .spec import ApiError, api_user, endpoint, json_body

TAG = "Công dân"


def plain(value):
    """Facts as JSON: instants in ISO 8601 (UTC), everything else as is."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class ProcedureSummarySchema(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    level = fields.String()
    agencies = fields.List(fields.String(), metadata={"description": "Mã cơ quan tiếp nhận"})


class PartUploadSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Mã thành phần hồ sơ"})
    filename = fields.String(load_default=None, validate=validate.Length(max=255))
    content_base64 = fields.String(required=True, metadata={"description": "Nội dung tệp, base64"})


class SubmitRequestSchema(Schema):
    procedure_code = fields.String(required=True)
    form_data = fields.Dict(load_default=dict)
    parts = fields.List(fields.Nested(PartUploadSchema), load_default=list)
    idempotency_key = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Gửi lại cùng khóa: không tạo hồ sơ mới"},
    )
    agency_id = fields.Integer(load_default=None, allow_none=True)
    return_method = fields.String(load_default="electronic")
    phone = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)


class DossierStatusSchema(Schema):
    id = fields.Integer()
    code = fields.String(allow_none=True)
    status = fields.String()
    procedure = fields.Dict()
    agency = fields.String()
    submitted_at = fields.DateTime()
    received_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    current_steps = fields.List(fields.Dict())
    timeline = fields.List(fields.Dict())


def _summary(version) -> dict:
    procedure = version.procedure
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field,
        "level": procedure.level,
        "agencies": version.definition.get("agencies", []),
    }


@endpoint(
    "/procedures",
    summary="Danh mục thủ tục (tìm không dấu theo tên, mã, lĩnh vực, cơ quan)",
    tag=TAG,
    auth=None,
    response=ProcedureSummarySchema(many=True),
    params=[
        {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
        for n in ("q", "field", "agency", "level")
    ],
)
def citizen_procedures():
    from onestop.web.public import search_catalogue

    args = {k: request.args.get(k, "").strip()[:200] for k in ("q", "field", "agency", "level")}
    versions = search_catalogue(
        args["q"], field=args["field"], agency=args["agency"], level=args["level"]
    )
    return jsonify([_summary(v) for v in versions])


@endpoint(
    "/procedures/<code>",
    summary="Một thủ tục: thành phần, lệ phí, thời hạn, biểu mẫu",
    tag=TAG,
    auth=None,
)
def citizen_procedure(code: str):
    try:
        version = version_by_code(code)
    except NotFound as exc:
        raise ApiError(404, exc.message) from None
    return jsonify(plain(procedure_facts(version)))


def uploads_from_json(parts: list[dict]) -> list[Upload]:
    """Uploads from the API's base64 parts; 400 naming the part that is not base64."""
    uploads = []
    for index, part in enumerate(parts):
        try:
            data = base64.b64decode(part["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                400,
                "Dữ liệu không hợp lệ: xem lỗi từng trường.",
                {"parts": {str(index): ["content_base64 không phải base64."]}},
            ) from None
        uploads.append(Upload(part["code"], data, part.get("filename")))
    return uploads


@endpoint(
    "/dossiers",
    methods=("POST",),
    summary="Nộp hồ sơ trực tuyến (một khóa: một hồ sơ)",
    tag=TAG,
    auth="citizen",
    body=SubmitRequestSchema,
    response=DossierStatusSchema,
)
def citizen_submit():
    data = json_body(SubmitRequestSchema())
    user = api_user()
    try:
        version = version_by_code(data["procedure_code"])
    except NotFound as exc:
        raise ApiError(404, exc.message, {"procedure_code": [exc.message]}) from None
    key = data["idempotency_key"].strip()
    existed = (
        db.session.scalar(
            select(Dossier.id).where(
                Dossier.applicant_id == user.id, Dossier.idempotency_key == key
            )
        )
        is not None
    )
    dossier = submit_online(
        user,
        version,
        data["form_data"],
        uploads_from_json(data["parts"]),
        key,
        agency_id=data["agency_id"],
        return_method=data["return_method"],
        contact={"phone": data["phone"], "email": data["email"]},
    )
    db.session.commit()
    return jsonify(plain(dossier_facts(dossier))), 200 if existed else 201


@endpoint(
    "/dossiers",
    summary="Hồ sơ của tôi",
    tag=TAG,
    auth="citizen",
    response=DossierStatusSchema(many=True),
)
def citizen_dossiers():
    rows = dossiers_of(api_user())
    return jsonify(
        [
            plain(
                {
                    "id": d.id,
                    "code": d.code,
                    "status": d.status,
                    "procedure": {
                        "code": d.procedure_version.procedure.code,
                        "name": d.procedure_version.procedure.name,
                    },
                    "agency": d.receiving_agency.name,
                    "submitted_at": d.submitted_at,
                    "received_at": d.received_at,
                    "due_at": d.due_at,
                }
            )
            for d in rows
        ]
    )


@endpoint(
    "/dossiers/<int:dossier_id>",
    summary="Tình trạng và quá trình xử lý một hồ sơ của tôi",
    tag=TAG,
    auth="citizen",
    response=DossierStatusSchema,
)
def citizen_dossier(dossier_id: int):
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.applicant_id != api_user().id:
        raise ApiError(404, "Không tìm thấy hồ sơ.")
    return jsonify(plain(dossier_facts(dossier)))
