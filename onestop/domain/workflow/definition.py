"""Read a procedure definition file, validate it completely, and normalise it for the engine."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import ValidationError

from . import graph, guards
from .orgdir import OrgDirectory
from .schema import JOIN, REFUSE, RETURNED, Definition, flatten

MINUTES_PER_DAY = 480


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition: where (file and key path) and how to fix it."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class DefinitionError(ValueError):
    """A definition file has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedDefinition:
    """A valid definition: the normalised data, its content hash and the source text."""

    file: str
    data: dict
    content_hash: str
    source: str


def parse_budget(text: str) -> int:
    """Working minutes of a budget string (the calendar team's parser)."""
    from onestop.domain.calendar.workingtime import parse_budget as calendar_parse_budget

    return calendar_parse_budget(text)


def content_hash(raw: dict) -> str:
    """The sha256 of the parsed content, so comments and layout do not make a new version."""
    canonical = json.dumps(
        raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def load_path(path: str | Path, org: OrgDirectory | None = None) -> LoadedDefinition:
    """Read and validate one file; raise DefinitionError listing every problem."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(
            [Problem(str(path), "(file)", f"cannot be read: {exc.strerror}")]
        ) from None
    return load_text(source, str(path), org)


def load_text(source: str, file: str, org: OrgDirectory | None = None) -> LoadedDefinition:
    """Validate definition text (named `file` in messages); raise DefinitionError."""
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise DefinitionError(
            [
                Problem(
                    file,
                    where,
                    f"is not valid YAML: {getattr(exc, 'problem', exc)}"
                    "; fix the indentation or quoting there",
                )
            ]
        ) from None
    if not isinstance(raw, dict):
        raise DefinitionError(
            [
                Problem(
                    file,
                    "(top)",
                    "must be a mapping of keys such as code, name, steps; see docs/workflows.md",
                )
            ]
        )
    try:
        data = Definition().load(raw)
    except ValidationError as exc:
        raise DefinitionError(
            [Problem(file, path, message) for path, message in flatten(exc.messages)]
        ) from None
    problems: list[tuple[str, str]] = []
    normalised = normalise(data, problems)
    if not problems:
        problems.extend(check_guards(normalised))
        problems.extend(check_template(normalised))
        problems.extend(graph.check(normalised))
        problems.extend(check_org(normalised, org or OrgDirectory.current()))
    if problems:
        raise DefinitionError([Problem(file, path, message) for path, message in problems])
    return LoadedDefinition(file, normalised, content_hash(raw), source)


def _budget(text: str, path: str, problems: list) -> int:
    from onestop.domain import DomainError

    try:
        return parse_budget(text)
    except (DomainError, ValueError, TypeError) as exc:
        problems.append(
            (
                path,
                f"{exc}; a budget is a number of working days, hours or minutes "
                "(1d = 8 working hours)",
            )
        )
        return 0


def normalise(data: dict, problems: list) -> dict:
    """Expand shorthands (next, default branch actions) and compute minutes; collect problems."""
    legal = data["legal_time"]
    if legal.get("same_day"):
        legal_minutes = MINUTES_PER_DAY
    elif "working_days" in legal:
        legal_minutes = round(legal["working_days"] * MINUTES_PER_DAY)
    else:
        legal_minutes = round(legal["working_hours"] * 60)
    steps = []
    for index, step in enumerate(data["steps"]):
        item = {key: value for key, value in step.items() if key not in ("next", "parallel")}
        if "parallel" in step:
            item["kind"] = "parallel"
            item["join"] = step.get("join", "all")
            item["next"] = step["next"]
            item["branches"] = []
            for b_index, branch in enumerate(step["parallel"]):
                entry = dict(branch)
                entry.setdefault(
                    "actions", {"done": {"routes": [{"to": JOIN}], "comment_required": False}}
                )
                entry["budget_minutes"] = _budget(
                    branch["budget"], f"steps[{index}].parallel[{b_index}].budget", problems
                )
                item["branches"].append(entry)
            item["budget_minutes"] = max(b["budget_minutes"] for b in item["branches"])
        else:
            item["kind"] = "task"
            if "next" in step:
                item["actions"] = {
                    "submit": {"routes": [{"to": step["next"]}], "comment_required": False}
                }
            item["budget_minutes"] = _budget(step["budget"], f"steps[{index}].budget", problems)
        steps.append(item)
    return {**data, "steps": steps, "legal_minutes": legal_minutes}


def iter_routes(definition: dict):
    """Yield (key path, step, branch or None, action name, route) for every route."""
    for index, step in enumerate(definition["steps"]):
        holders = (
            [(f"steps[{index}]", None, step)]
            if step["kind"] == "task"
            else [
                (f"steps[{index}].parallel[{b}]", branch, branch)
                for b, branch in enumerate(step["branches"])
            ]
        )
        for path, branch, holder in holders:
            for action, target in holder.get("actions", {}).items():
                for r_index, route in enumerate(target["routes"]):
                    suffix = f"[{r_index}]" if len(target["routes"]) > 1 else ""
                    yield f"{path}.actions.{action}{suffix}", step, branch, action, route


def check_guards(definition: dict) -> list[tuple[str, str]]:
    """Every guard parses and reads only fields of the form."""
    known = {item["name"] for item in definition["form"]["fields"]}
    problems = []
    for path, _step, _branch, _action, route in iter_routes(definition):
        if "when" not in route:
            continue
        try:
            node = guards.parse(route["when"])
        except guards.GuardError as exc:
            problems.append((f"{path}.when", f"guard '{route['when']}' does not parse: {exc}"))
            continue
        for name in sorted(guards.names(node) - known):
            problems.append(
                (
                    f"{path}.when",
                    f"guard reads '{name}', which is not a form field; "
                    f"use one of: {', '.join(sorted(known)) or '(the form has no fields)'}",
                )
            )
    return problems


def check_template(definition: dict) -> list[tuple[str, str]]:
    """The result template is one the documents feature can render."""
    try:
        from onestop.domain.documents.papers import RESULT_TEMPLATES
    except ImportError:  # documents feature absent: nothing to check against
        return []
    name = definition["result"]["template"].rsplit("/", 1)[-1].removesuffix(".html")
    if name in RESULT_TEMPLATES:
        return []
    return [
        (
            "result.template",
            f"template '{name}' is not a result template; use one of: "
            f"{', '.join(RESULT_TEMPLATES)}",
        )
    ]


def check_org(definition: dict, org: OrgDirectory) -> list[tuple[str, str]]:
    """Agencies, units, positions and roles named in the file exist in the org tree."""
    problems: list[tuple[str, str]] = []
    known = sorted(org.agencies)

    def agency(key: str, path: str):
        entry = org.agencies.get(key)
        if entry is None:
            problems.append(
                (path, f"agency '{key}' is not in {org.source}; use one of: {', '.join(known)}")
            )
        return entry

    receiving = [
        entry
        for i, key in enumerate(definition["agencies"])
        if (entry := agency(key, f"agencies[{i}]"))
    ]
    auth = definition["authority"]
    auth_agencies = (
        [a for a in [agency(auth["agency"], "authority.agency")] if a]
        if auth.get("agency")
        else receiving
    )
    for entry in auth_agencies:
        if auth["position"] not in entry.positions:
            problems.append(
                (
                    "authority.position",
                    f"position '{auth['position']}' does not exist "
                    f"in {entry.key}; positions there: {', '.join(sorted(entry.positions))}",
                )
            )
    for index, step in enumerate(definition["steps"]):
        holders = (
            [(f"steps[{index}]", step)]
            if step["kind"] == "task"
            else [
                (f"steps[{index}].parallel[{b}]", branch)
                for b, branch in enumerate(step["branches"])
            ]
        )
        for path, holder in holders:
            entries = (
                [a for a in [agency(holder["agency"], f"{path}.agency")] if a]
                if holder.get("agency")
                else receiving
            )
            for entry in entries:
                _check_assignment(holder, entry, path, problems)
    return problems


def _check_assignment(holder: dict, entry, path: str, problems: list) -> None:
    unit = holder.get("unit")
    if unit and unit not in entry.units:
        problems.append(
            (
                f"{path}.unit",
                f"unit '{unit}' does not exist in {entry.key}; units "
                f"there: {', '.join(sorted(entry.units)) or '(none)'}",
            )
        )
        return
    if holder.get("position") and holder["position"] not in entry.positions:
        problems.append(
            (
                f"{path}.position",
                f"position '{holder['position']}' does not exist in "
                f"{entry.key}; positions there: {', '.join(sorted(entry.positions))}",
            )
        )
    role = holder.get("role")
    if role and role not in entry.roles_in(unit):
        where = f"{entry.key}/{unit}" if unit else entry.key
        problems.append(
            (
                f"{path}.role",
                f"no position in {where} has role '{role}'; roles there: "
                f"{', '.join(sorted(entry.roles_in(unit))) or '(none)'}; add such a "
                "position or choose another role",
            )
        )


__all__ = [
    "DefinitionError",
    "LoadedDefinition",
    "Problem",
    "load_path",
    "load_text",
    "REFUSE",
    "RETURNED",
    "JOIN",
]
