"""API tokens: administrators create bearer tokens for integrations."""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from onestop.domain.org.models import User
from onestop.domain.org.tokens import create_token
from onestop.extensions import db

from .spec import ApiError, api_user, endpoint, json_body


class TokenRequestSchema(Schema):
    username = fields.String(
        required=True, metadata={"description": "Tài khoản mà mã truy cập đại diện"}
    )
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "Mục đích, ví dụ: Đồng bộ Cổng DVC quốc gia"},
    )


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    token = fields.String(metadata={"description": "Chỉ hiển thị một lần"})


@endpoint(
    "/tokens",
    methods=("POST",),
    summary="Tạo mã truy cập API",
    tag="Quản trị",
    auth="admin",
    body=TokenRequestSchema,
    response=TokenSchema,
)
def create_api_token():
    data = json_body(TokenRequestSchema())
    user = db.session.scalar(select(User).where(User.username == data["username"]))
    if user is None:
        raise ApiError(
            400,
            "Dữ liệu không hợp lệ: xem lỗi từng trường.",
            {"username": ["Không có tài khoản này."]},
        )
    token, secret = create_token(api_user(), user, data["name"])
    db.session.commit()
    return jsonify({"id": token.id, "name": token.name, "token": secret}), 201
