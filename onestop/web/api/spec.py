"""The API blueprint, its authentication, request parsing and the OpenAPI document it builds."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user
from marshmallow import Schema, ValidationError

from onestop.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

PATHS: dict[str, dict[str, Any]] = {}
SCHEMAS: dict[str, type[Schema]] = {}


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: dict | None = None):
        self.status, self.message, self.errors = status, message, errors


def api_user():
    """The user behind the bearer token or, for same-site pages, the session."""
    if "onestop.api_user" in request.environ:
        return request.environ["onestop.api_user"]
    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        from onestop.domain.org.tokens import user_for_token

        user = user_for_token(header[7:].strip())
        if user is None:
            raise ApiError(401, "Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
    request.environ["onestop.api_user"] = user
    return user


def json_body(schema: Schema) -> dict:
    """The request's JSON validated by `schema`; 400 naming the problem otherwise."""
    if not request.is_json:
        raise ApiError(400, "Gửi dữ liệu dạng JSON với Content-Type: application/json.")
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "Nội dung JSON không hợp lệ: kiểm tra dấu ngoặc, dấu phẩy và dấu nháy.")
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise ApiError(400, "Dữ liệu không hợp lệ: xem lỗi từng trường.", exc.messages) from None


def _schema_ref(schema) -> dict:
    cls = schema if isinstance(schema, type) else type(schema)
    SCHEMAS[cls.__name__.removesuffix("Schema")] = cls
    ref = {"$ref": f"#/components/schemas/{cls.__name__.removesuffix('Schema')}"}
    many = not isinstance(schema, type) and getattr(schema, "many", False)
    return {"type": "array", "items": ref} if many else ref


def endpoint(
    rule: str,
    methods=("GET",),
    *,
    summary: str,
    tag: str,
    auth: str | None = "any",
    body=None,
    response=None,
    params: list[dict] | None = None,
):
    """Register an API view and document it; `auth` is None (public) or a user kind or "any"."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if auth is not None:
                user = api_user()
                if user is None:
                    raise ApiError(
                        401, "Cần mã truy cập (Authorization: Bearer ...) hoặc đăng nhập."
                    )
                if auth != "any" and user.kind not in auth.split("|"):
                    raise ApiError(403, "Tài khoản này không có quyền gọi API này.")
            return view(*args, **kwargs)

        bp.add_url_rule(rule, view.__name__, wrapped, methods=list(methods))
        openapi_path = rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in methods:
            operation: dict[str, Any] = {
                "summary": summary,
                "tags": [tag],
                "operationId": view.__name__,
                "responses": {"200": {"description": "OK"}},
            }
            if response is not None:
                operation["responses"]["200"]["content"] = {
                    "application/json": {"schema": _schema_ref(response)}
                }
            if body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _schema_ref(body)}},
                }
            if params:
                operation["parameters"] = params
            if auth is not None:
                operation["security"] = [{"bearer": []}]
                operation["responses"]["401"] = {"description": "Chưa xác thực"}
            operation["responses"]["400"] = {
                "description": "Dữ liệu không hợp lệ",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
            PATHS.setdefault("/api/v1" + openapi_path, {})[method.lower()] = operation
        return wrapped

    return decorator


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    from onestop.web.errors import error_response

    return error_response(exc.status, exc.message, exc.errors)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(anything):
    abort(404)
