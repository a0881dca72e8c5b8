"""The engine: how a normalised definition moves tokens (open steps) on an action. Pure, no DB.

A token is `(step_id, branch_id or None)`. The persisted runtime keeps one open Task per token; the
benchmark runs the same `Instance` in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from onestop.domain import DomainError

from . import guards
from .schema import JOIN, REFUSE, RETURNED

Token = tuple[str, str | None]


@dataclass(frozen=True)
class Route:
    """Where an action leads, and whether taking it issues the result."""

    to: str
    issues_result: bool = False


@dataclass
class Outcome:
    """What one action did: tokens closed, opened and cancelled, and the end reached if any."""

    closed: Token
    route: Route
    opened: list[Token] = field(default_factory=list)
    cancelled: list[Token] = field(default_factory=list)
    end: str | None = None  # RETURNED or REFUSE

    @property
    def issues_result(self) -> bool:
        """Whether the route taken issues the result (the dossier is processed)."""
        return self.route.issues_result


class Workflow:
    """Lookups over one normalised definition (built once per procedure version and cached)."""

    def __init__(self, definition: dict):
        self.definition = definition
        self.steps = {step["id"]: step for step in definition["steps"]}
        self.first = definition["steps"][0]["id"]
        self._branches = {
            (step["id"], branch["id"]): branch
            for step in definition["steps"]
            for branch in step.get("branches", [])
        }

    def holder(self, token: Token) -> dict:
        """The step or branch that a token stands on (who does it, budget, actions)."""
        step_id, branch = token
        if branch is None:
            step = self.steps.get(step_id)
            if step is None or step["kind"] != "task":
                raise DomainError(
                    f"step '{step_id}' is not a task step of this workflow", field="step"
                )
            return step
        try:
            return self._branches[(step_id, branch)]
        except KeyError:
            raise DomainError(
                f"'{step_id}/{branch}' is not a branch of this workflow", field="step"
            ) from None

    def actions(self, token: Token) -> list[str]:
        """Names of the actions available on a token's step."""
        return list(self.holder(token).get("actions", {}))

    def route(self, token: Token, action: str, form_data: dict | None = None) -> Route:
        """The route an action takes: the first whose guard holds; DomainError if none does."""
        actions = self.holder(token).get("actions", {})
        target = actions.get(action)
        if target is None:
            raise DomainError(
                f"action '{action}' is not available at step '{_label(token)}'; "
                f"available: {', '.join(actions) or '(none)'}",
                field="action",
            )
        for route in target["routes"]:
            when = route.get("when")
            if when is None or guards.evaluate(when, form_data or {}):
                return Route(route["to"], route.get("result") == "issue")
        raise DomainError(
            f"action '{action}' is not allowed for this dossier: none of its "
            "conditions hold for the form data",
            field="action",
        )

    def comment_required(self, token: Token, action: str) -> bool:
        """Whether the officer must write a comment for this action (refusals)."""
        target = self.holder(token).get("actions", {}).get(action)
        return bool(target and target.get("comment_required"))

    def enter(self, step_id: str) -> list[Token]:
        """Tokens opened by entering a step: one, or one per branch of a parallel split."""
        step = self.steps[step_id]
        if step["kind"] == "parallel":
            return [(step_id, branch["id"]) for branch in step["branches"]]
        return [(step_id, None)]


class Instance:
    """One running case in memory: its open tokens, moved by `fire`."""

    def __init__(self, workflow: Workflow, tokens: list[Token] | None = None):
        self.workflow = workflow
        self.tokens: list[Token] = list(tokens or [])
        self.ended: str | None = None

    def start(self) -> list[Token]:
        """Open the first step."""
        opened = self.workflow.enter(self.workflow.first)
        self.tokens.extend(opened)
        return opened

    def fire(self, token: Token, action: str, form_data: dict | None = None) -> Outcome:
        """Take `action` on an open token; return what opened, closed and ended."""
        if token not in self.tokens:
            raise DomainError(f"step '{_label(token)}' is not open for this dossier", field="step")
        route = self.workflow.route(token, action, form_data)
        self.tokens.remove(token)
        outcome = Outcome(token, route)
        if route.to in (REFUSE, RETURNED):
            outcome.cancelled, self.tokens = self.tokens, []
            outcome.end = self.ended = route.to
            return outcome
        if route.to == JOIN:
            step = self.workflow.steps[token[0]]
            siblings = [t for t in self.tokens if t[0] == token[0]]
            if step["join"] == "any":
                outcome.cancelled = siblings
                self.tokens = [t for t in self.tokens if t not in siblings]
            elif siblings:
                return outcome
            opened = self.workflow.enter(step["next"])
        else:
            opened = self.workflow.enter(route.to)
        self.tokens.extend(opened)
        outcome.opened = opened
        return outcome


def _label(token: Token) -> str:
    return token[0] if token[1] is None else f"{token[0]}/{token[1]}"
