"""Structural checks of a normalised workflow: targets, reachability, exits, budgets."""

from __future__ import annotations

from .schema import JOIN, REFUSE, RETURNED


def _fmt(minutes: int) -> str:
    days, rest = divmod(minutes, 480)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(p for p in parts if p) or "0m"


def edges(definition: dict) -> dict[str, set[str]]:
    """For every step id, the step ids and end markers it can lead to."""
    out: dict[str, set[str]] = {}
    for step in definition["steps"]:
        targets: set[str] = set()
        if step["kind"] == "parallel":
            targets.add(step["next"])
            holders = step["branches"]
        else:
            holders = [step]
        for holder in holders:
            for target in holder.get("actions", {}).values():
                targets |= {route["to"] for route in target["routes"] if route["to"] != JOIN}
        out[step["id"]] = targets
    return out


def check(definition: dict) -> list[tuple[str, str]]:
    """Every problem of the step graph, each as (key path, message with the fix)."""
    problems: list[tuple[str, str]] = []
    steps = definition["steps"]
    index = {step["id"]: i for i, step in enumerate(steps)}
    seen: dict[str, str] = {}
    for i, step in enumerate(steps):
        ids = [(f"steps[{i}].id", step["id"])] + [
            (f"steps[{i}].parallel[{b}].id", branch["id"])
            for b, branch in enumerate(step.get("branches", []))
        ]
        for path, ident in ids:
            if ident in seen:
                problems.append(
                    (
                        path,
                        f"id '{ident}' is used twice (also at {seen[ident]}); "
                        "give each step and branch its own id",
                    )
                )
            seen.setdefault(ident, path)
    problems.extend(_check_targets(definition, index))
    if problems:
        return problems
    graph = edges(definition)
    reachable = _reach(steps[0]["id"], graph)
    for i, step in enumerate(steps):
        if step["id"] not in reachable:
            problems.append(
                (
                    f"steps[{i}].id",
                    f"step '{step['id']}' is unreachable: no action "
                    f"leads to it from the first step '{steps[0]['id']}'; add an action "
                    "that goes there or remove the step",
                )
            )
    exits = {sid for sid in graph if RETURNED in _reach(sid, graph)}
    for i, step in enumerate(steps):
        sid = step["id"]
        if sid in exits or sid not in reachable:
            continue
        loop = [other for other in graph[sid] if other in index and sid in _reach(other, graph)]
        if loop:
            members = sorted(
                s for s in _reach(sid, graph) if s in index and sid in _reach(s, graph)
            )
            problems.append(
                (
                    f"steps[{i}]",
                    f"steps {' → '.join(members)} form a cycle with no "
                    f"exit: none of them can reach {RETURNED}; give one of them an action "
                    f"that leads towards the return of the result",
                )
            )
        else:
            problems.append(
                (
                    f"steps[{i}]",
                    f"step '{sid}' is a dead end: no path from it reaches "
                    f"{RETURNED} (only {REFUSE} or nothing); add an action towards the "
                    "return of the result",
                )
            )
    if not any(route.get("result") == "issue" for route in _all_routes(definition)):
        problems.append(
            (
                "steps",
                "no action issues the result; mark the approving action with "
                "result: issue, e.g. approve: {to: return, result: issue}",
            )
        )
    if not problems:
        problems.extend(_check_budgets(definition, graph, index))
    return problems


def _all_routes(definition: dict):
    for step in definition["steps"]:
        for holder in step.get("branches", [step]):
            for target in holder.get("actions", {}).values():
                yield from target["routes"]


def _check_targets(definition: dict, index: dict) -> list[tuple[str, str]]:
    problems = []
    names = ", ".join(list(index) + [RETURNED, REFUSE])
    for i, step in enumerate(definition["steps"]):
        if step["kind"] == "parallel" and step["next"] not in index:
            problems.append(
                (
                    f"steps[{i}].next",
                    f"'{step['next']}' is not a step id; use one of: {', '.join(index)}",
                )
            )
        holders = (
            [(f"steps[{i}]", step, False)]
            if step["kind"] == "task"
            else [
                (f"steps[{i}].parallel[{b}]", branch, True)
                for b, branch in enumerate(step["branches"])
            ]
        )
        for path, holder, in_branch in holders:
            for action, target in holder.get("actions", {}).items():
                for route in target["routes"]:
                    to = route["to"]
                    where = f"{path}.actions.{action}"
                    if in_branch and to not in (JOIN, REFUSE):
                        problems.append(
                            (
                                where,
                                f"a parallel branch ends at {JOIN} (or {REFUSE}), "
                                f"not '{to}'; the step after the join is the parallel "
                                "step's next",
                            )
                        )
                    elif not in_branch and to == JOIN:
                        problems.append(
                            (
                                where,
                                f"{JOIN} is only for parallel branches; name the next step instead",
                            )
                        )
                    elif not in_branch and to not in index and to not in (RETURNED, REFUSE):
                        problems.append((where, f"'{to}' is not a step id; use one of: {names}"))
    return problems


def _reach(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _check_budgets(definition: dict, graph: dict, index: dict) -> list[tuple[str, str]]:
    """The slowest forward path to the return must fit the legal time (back edges ignored)."""
    minutes = {step["id"]: step["budget_minutes"] for step in definition["steps"]}
    best: dict[str, tuple[int, list[str]]] = {}

    def longest(node: str, on_path: frozenset) -> tuple[int, list[str]]:
        if node == RETURNED:
            return 0, []
        if node == REFUSE or node in on_path:
            return -1, []
        if node in best and not on_path & set(best[node][1]):
            return best[node]
        options = [longest(nxt, on_path | {node}) for nxt in sorted(graph[node])]
        options = [o for o in options if o[0] >= 0]
        if not options:
            return -1, []
        total, path = max(options, key=lambda o: o[0])
        result = (total + minutes[node], [node] + path)
        best[node] = result
        return result

    total, path = longest(definition["steps"][0]["id"], frozenset())
    legal = definition["legal_minutes"]
    if total > legal:
        return [
            (
                "legal_time",
                f"the step budgets add up to {_fmt(total)} ({total} working "
                f"minutes) along {' → '.join(path)}, more than the legal time {_fmt(legal)} "
                f"({legal} minutes); shorten the budgets or correct legal_time",
            )
        ]
    return []
