"""Marshmallow schemas described as OpenAPI (JSON Schema) objects."""

from __future__ import annotations

from marshmallow import Schema, fields

_TYPES: list[tuple[type, dict]] = [
    (fields.Integer, {"type": "integer"}),
    (fields.Float, {"type": "number"}),
    (fields.Decimal, {"type": "number"}),
    (fields.Boolean, {"type": "boolean"}),
    (fields.DateTime, {"type": "string", "format": "date-time"}),
    (fields.Date, {"type": "string", "format": "date"}),
    (fields.Email, {"type": "string", "format": "email"}),
    (fields.String, {"type": "string"}),
    (fields.Dict, {"type": "object"}),
]


def field_to_jsonschema(field: fields.Field) -> dict:
    if isinstance(field, fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        described = schema_to_jsonschema(nested)
        return {"type": "array", "items": described} if field.many else described
    if isinstance(field, fields.List):
        return {"type": "array", "items": field_to_jsonschema(field.inner)}
    for kind, described in _TYPES:
        if isinstance(field, kind):
            result = dict(described)
            break
    else:
        result = {}
    description = field.metadata.get("description")
    if description:
        result["description"] = description
    return result


def schema_to_jsonschema(schema: type[Schema] | Schema) -> dict:
    instance = schema() if isinstance(schema, type) else schema
    properties = {}
    required = []
    for name, field in instance.fields.items():
        key = field.data_key or name
        properties[key] = field_to_jsonschema(field)
        if field.required:
            required.append(key)
    described = {"type": "object", "properties": properties}
    if required:
        described["required"] = required
    return described
