"""The shape of a procedure definition file (workflows/*.yaml), checked with marshmallow."""

from __future__ import annotations

import difflib
import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from onestop.domain.dossiers.models import RETURN_METHODS
from onestop.domain.org.models import ROLES
from onestop.domain.procedures.models import PROCEDURE_LEVELS

# Targets that end a path instead of naming a step.
REFUSE, RETURNED, JOIN = "@refuse", "@returned", "@join"
SPECIAL_TARGETS = (REFUSE, RETURNED, JOIN)
FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "bool",
    "email",
    "phone",
    "id_number",
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Strict(Schema):
    """A schema whose unknown keys fail with the allowed keys and the closest match."""

    class Meta:
        unknown = EXCLUDE

    @validates_schema(pass_original=True)
    def _no_unknown_keys(self, data, original, **kwargs):
        if not isinstance(original, dict):
            return
        allowed = sorted(self.fields)
        errors = {}
        for key in original:
            if key not in self.fields:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                errors[str(key)] = [f"unknown key; {hint}allowed keys here: {', '.join(allowed)}"]
        if errors:
            raise ValidationError(errors)


def _identifier(what: str):
    return validate.Regexp(
        _ID, error=f"{what} must be lower_snake_case (a-z, 0-9, _), starting with a letter"
    )


class Route(Strict):
    """One way out of an action: where it goes, under which guard, whether it issues the result."""

    to = fields.String(required=True)
    when = fields.String()
    result = fields.String(validate=validate.OneOf(["issue"], error="result can only be 'issue'"))


class ActionTarget(fields.Field):
    """An action's target: a step id or @special, a route mapping, or a list of guarded routes."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return {"routes": [{"to": value}], "comment_required": value == REFUSE}
        if isinstance(value, list):
            if not value:
                raise ValidationError(
                    "give at least one route, e.g. [{when: 'x > 1', to: a}, {to: b}]"
                )
            routes = [
                Route().load(item) if isinstance(item, dict) else _not_route(item) for item in value
            ]
            return {"routes": routes, "comment_required": any(r["to"] == REFUSE for r in routes)}
        if isinstance(value, dict):
            body = dict(value)
            comment_required = body.pop("comment_required", None)
            if comment_required is not None and not isinstance(comment_required, bool):
                raise ValidationError({"comment_required": ["must be true or false"]})
            route = Route().load(body)
            return {
                "routes": [route],
                "comment_required": comment_required or route["to"] == REFUSE,
            }
        raise ValidationError(
            "an action target must be a step id, @refuse, @returned, @join, "
            "a mapping {to: ..., when: ..., result: issue} or a list of them"
        )


def _not_route(item):
    raise ValidationError(f"{item!r} is not a route; write {{to: <step id>, when: <guard>}}")


class Assignment(Strict):
    """Who does a step: unit + role, a position, or the procedure's authority."""

    name = fields.String()
    agency = fields.String()
    unit = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES, error="role must be one of {choices}"))
    position = fields.String()
    authority = fields.Boolean()
    budget = fields.String(required=True)
    actions = fields.Dict(
        keys=fields.String(validate=_identifier("an action name")), values=ActionTarget()
    )

    @validates_schema
    def _one_assignment(self, data, **kwargs):
        ways = [bool(data.get("role")), bool(data.get("position")), bool(data.get("authority"))]
        if sum(ways) != 1:
            raise ValidationError(
                "give exactly one of: role (with an optional unit), position, or authority: true",
                "role",
            )
        if data.get("unit") and not data.get("role"):
            raise ValidationError("a unit needs a role, e.g. role: specialist", "unit")


class Branch(Assignment):
    """One agency's part of a parallel consultation; it ends at @join (or @refuse)."""

    id = fields.String(required=True, validate=_identifier("a branch id"))


class Step(Assignment):
    """A step of the workflow, or a parallel split with its join."""

    id = fields.String(required=True, validate=_identifier("a step id"))
    budget = fields.String()
    next = fields.String()
    parallel = fields.List(
        fields.Nested(Branch),
        validate=validate.Length(min=2, error="a parallel split needs at least two branches"),
    )
    join = fields.String(validate=validate.OneOf(["all", "any"], error="join must be all or any"))

    @validates_schema
    def _one_assignment(self, data, **kwargs):
        if "parallel" in data:
            extra = [
                key
                for key in ("unit", "role", "position", "authority", "actions", "budget")
                if key in data
            ]
            if extra:
                raise ValidationError(
                    f"a parallel step takes only id, name, parallel, join and "
                    f"next; move {', '.join(extra)} into its branches",
                    extra[0],
                )
            if not data.get("next"):
                raise ValidationError("a parallel step needs next: the step after the join", "next")
            return
        if "join" in data:
            raise ValidationError("join belongs to a parallel step", "join")
        if not data.get("budget"):
            raise ValidationError("every step needs a budget such as 4h, 2d, 0.5d or 30m", "budget")
        if data.get("next") and data.get("actions"):
            raise ValidationError("give either next: <step> or actions: {...}, not both", "next")
        if not data.get("next") and not data.get("actions"):
            raise ValidationError(
                "this step leads nowhere: add next: <step> or actions: {name: <step or @returned>}",
                "actions",
            )
        super()._one_assignment(data, **kwargs)


class Part(Strict):
    """A dossier part (thành phần hồ sơ) the applicant provides."""

    code = fields.String(required=True, validate=_identifier("a part code"))
    name = fields.String(required=True)
    required = fields.Boolean(load_default=True)
    accept = fields.List(
        fields.String(), load_default=lambda: ["application/pdf", "image/jpeg", "image/png"]
    )
    max_mb = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    copies = fields.String(load_default="original_or_copy")
    note = fields.String()


class FormField(Strict):
    """One field of the online form."""

    name = fields.String(required=True, validate=_identifier("a form field name"))
    label = fields.String(required=True)
    type = fields.String(
        load_default="text",
        validate=validate.OneOf(FIELD_TYPES, error="type must be one of {choices}"),
    )
    required = fields.Boolean(load_default=False)
    max_length = fields.Integer(validate=validate.Range(min=1))
    min = fields.Float()
    max = fields.Float()
    options = fields.List(fields.String())
    help = fields.String()

    @validates_schema
    def _options(self, data, **kwargs):
        if data.get("type") == "select" and not data.get("options"):
            raise ValidationError("a select field needs options: [..]", "options")


class Form(Strict):
    """The online form: its fields in display order."""

    fields = fields.List(fields.Nested(FormField), required=True)


class LegalTime(Strict):
    """The legal processing time: working days, working hours, or the same day."""

    working_days = fields.Float(validate=validate.Range(min=0, min_inclusive=False))
    working_hours = fields.Float(validate=validate.Range(min=0, min_inclusive=False))
    same_day = fields.Boolean()

    @validates_schema
    def _one_unit(self, data, **kwargs):
        if sum(1 for key in ("working_days", "working_hours", "same_day") if data.get(key)) != 1:
            raise ValidationError(
                "give exactly one of working_days: N, working_hours: N or same_day: true",
                "working_days",
            )


class Authority(Strict):
    """The competent position, whether it may be delegated, and TM. signing."""

    agency = fields.String()
    position = fields.String(required=True)
    delegable = fields.Boolean(load_default=True)
    # The head signs for a collective body (TM. ỦY BAN NHÂN DÂN) when true.
    collective = fields.Boolean(load_default=False)


class Fee(Strict):
    """The fee or charge, with its legal basis."""

    amount = fields.Integer(required=True, validate=validate.Range(min=0))
    currency = fields.String(load_default="VND", validate=validate.OneOf(["VND"]))
    basis = fields.String()
    note = fields.String()


class Result(Strict):
    """The result paper: its template, title and number series."""

    template = fields.String(required=True)
    title = fields.String(required=True)
    number_series = fields.String()


class Cutoff(fields.String):
    """A quoted HH:MM time after which receipts count from the next working day."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int):
            raise ValidationError(
                'write the time in quotes, e.g. cutoff: "15:00" (YAML reads '
                "15:00 without quotes as a number)"
            )
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _HHMM.match(text):
            raise ValidationError('cutoff must be HH:MM, e.g. "15:00"')
        return text


class Definition(Strict):
    """A whole procedure: catalogue facts, parts, form, result and the workflow steps."""

    code = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^\d\.\d{6}$|^[0-9A-Za-z.\-]+$",
            error="code is the national catalogue code, e.g. 1.001193",
        ),
    )
    name = fields.String(required=True)
    field = fields.String(required=True)
    level = fields.String(
        required=True,
        validate=validate.OneOf(PROCEDURE_LEVELS, error="level must be one of {choices}"),
    )
    description = fields.String()
    agencies = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(
            min=1, error="list at least one agency key where the procedure is received"
        ),
    )
    authority = fields.Nested(Authority, required=True)
    legal_time = fields.Nested(LegalTime, required=True)
    cutoff = Cutoff(allow_none=True, load_default=None)
    fee = fields.Nested(Fee, load_default=lambda: {"amount": 0, "currency": "VND"})
    return_methods = fields.List(
        fields.String(
            validate=validate.OneOf(RETURN_METHODS, error="return methods are {choices}")
        ),
        load_default=lambda: ["desk"],
    )
    legal_basis = fields.List(fields.String(), required=True)
    parts = fields.List(fields.Nested(Part), required=True)
    form = fields.Nested(Form, required=True)
    result = fields.Nested(Result, required=True)
    steps = fields.List(
        fields.Nested(Step),
        required=True,
        validate=validate.Length(min=1, error="a workflow needs at least one step"),
    )
    assumptions = fields.List(fields.String(), load_default=list)


def flatten(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error dict into (key path, message) pairs."""
    found: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            found.extend(flatten(value, path))
    elif isinstance(messages, list):
        for item in messages:
            found.extend(
                flatten(item, prefix)
                if isinstance(item, (dict, list))
                else [(prefix or "(top)", str(item))]
            )
    else:
        found.append((prefix or "(top)", str(messages)))
    return found
