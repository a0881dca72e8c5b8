"""The API's own description: the OpenAPI document and a docs page rendered from it."""

from __future__ import annotations

from flask import jsonify, render_template

from .jsonschema import schema_to_jsonschema
from .spec import PATHS, SCHEMAS, bp


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi_document())


def openapi_document() -> dict:
    components = {name: schema_to_jsonschema(schema) for name, schema in sorted(SCHEMAS.items())}
    components["Error"] = {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string"},
            "status": {"type": "integer"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "onestop API",
            "version": "1",
            "description": "Hệ thống thông tin một cửa điện tử: hồ sơ, thủ tục, thống kê.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(PATHS.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
