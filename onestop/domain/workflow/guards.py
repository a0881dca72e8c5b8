"""Guards: a small, safe expression language over a dossier's form data (parsed here, never eval'd).

Grammar (lowest precedence first):

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") operand)?
    operand := NUMBER | STRING | "true" | "false" | "null" | NAME | "[" [operand ("," operand)*] "]"
             | "(" expr ")"

NAME is a form field (dotted names reach into nested values). A missing field reads as null;
comparing null or mismatched types with < <= > >= is false, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
MAX_LENGTH = 500
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"}


class GuardError(ValueError):
    """The expression cannot be parsed; the message says where and what was expected."""


@dataclass(frozen=True)
class Node:
    """A parsed expression: a literal, a name, a list, or an operator with its operands."""

    kind: str  # literal, name, list, not, and, or, compare
    value: Any = None
    children: tuple = ()


def _tokenize(text: str) -> list[tuple[str, Any]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise GuardError(
                f"unexpected character {text[pos:].strip()[:1]!r} at position {pos + 1}"
            )
        pos = match.end()
        if match.group("number") is not None:
            raw = match.group("number")
            tokens.append(("literal", float(raw) if "." in raw else int(raw)))
        elif match.group("string") is not None:
            raw = match.group("string")[1:-1]
            tokens.append(("literal", re.sub(r"\\(.)", r"\1", raw)))
        elif match.group("op") is not None:
            tokens.append(("op", match.group("op")))
        else:
            name = match.group("name")
            if name in ("true", "false", "null"):
                tokens.append(("literal", {"true": True, "false": False, "null": None}[name]))
            elif name in _KEYWORDS:
                tokens.append(("op", name))
            else:
                tokens.append(("name", name))
    tokens.append(("end", None))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self, offset: int = 0):
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, op: str):
        kind, value = self.take()
        if (kind, value) != ("op", op):
            shown = "the end" if kind == "end" else repr(value)
            raise GuardError(f"expected {op!r} but found {shown}")

    def parse(self) -> Node:
        node = self.parse_or()
        kind, value = self.peek()
        if kind != "end":
            raise GuardError(f"unexpected {value!r} after a complete expression")
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.peek() == ("op", "or"):
            self.take()
            node = Node("or", children=(node, self.parse_and()))
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.peek() == ("op", "and"):
            self.take()
            node = Node("and", children=(node, self.parse_not()))
        return node

    def parse_not(self) -> Node:
        if self.peek() == ("op", "not"):
            self.take()
            return Node("not", children=(self.parse_not(),))
        return self.parse_compare()

    def parse_compare(self) -> Node:
        left = self.parse_operand()
        kind, value = self.peek()
        if kind == "op" and value == "not" and self.peek(1) == ("op", "in"):
            self.take()
            self.take()
            return Node("compare", "not in", (left, self.parse_operand()))
        if kind == "op" and value in _COMPARISONS:
            self.take()
            return Node("compare", value, (left, self.parse_operand()))
        return left

    def parse_operand(self) -> Node:
        kind, value = self.take()
        if kind == "literal":
            return Node("literal", value)
        if kind == "name":
            return Node("name", value)
        if (kind, value) == ("op", "("):
            node = self.parse_or()
            self.expect(")")
            return node
        if (kind, value) == ("op", "["):
            items = []
            if self.peek() != ("op", "]"):
                items.append(self.parse_operand())
                while self.peek() == ("op", ","):
                    self.take()
                    items.append(self.parse_operand())
            self.expect("]")
            return Node("list", children=tuple(items))
        shown = "the end" if kind == "end" else repr(value)
        raise GuardError(f"expected a value, a field name, '(' or '[' but found {shown}")


@lru_cache(maxsize=512)
def parse(text: str) -> Node:
    """Parse a guard; raise GuardError naming what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise GuardError("a guard must be a non-empty expression such as: child_age < 6")
    if len(text) > MAX_LENGTH:
        raise GuardError(f"a guard is at most {MAX_LENGTH} characters; split the condition")
    try:
        return _Parser(text).parse()
    except RecursionError:
        raise GuardError("the guard is nested too deeply; simplify its parentheses") from None


def names(node: Node) -> set[str]:
    """The form field names an expression reads (first segment of dotted names)."""
    if node.kind == "name":
        return {node.value.split(".")[0]}
    found: set[str] = set()
    for child in node.children:
        found |= names(child)
    return found


def _lookup(data: dict, dotted: str):
    value: Any = data
    for segment in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(segment)
    return value


def _compare(op: str, left, right) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op in ("in", "not in"):
        found = (
            isinstance(right, (list, tuple, str))
            and left is not None
            and (left in right if not isinstance(right, str) or isinstance(left, str) else False)
        )
        return found if op == "in" else not found
    numeric = (int, float)
    same = (
        isinstance(left, numeric)
        and isinstance(right, numeric)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ) or (isinstance(left, str) and isinstance(right, str))
    if not same:
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _evaluate(node: Node, data: dict):
    if node.kind == "literal":
        return node.value
    if node.kind == "name":
        return _lookup(data, node.value)
    if node.kind == "list":
        return [_evaluate(child, data) for child in node.children]
    if node.kind == "not":
        return not _truthy(_evaluate(node.children[0], data))
    if node.kind == "and":
        return _truthy(_evaluate(node.children[0], data)) and _truthy(
            _evaluate(node.children[1], data)
        )
    if node.kind == "or":
        return _truthy(_evaluate(node.children[0], data)) or _truthy(
            _evaluate(node.children[1], data)
        )
    left, right = (_evaluate(child, data) for child in node.children)
    return _compare(node.value, left, right)


def _truthy(value) -> bool:
    return bool(value)


def evaluate(text: str, data: dict) -> bool:
    """Whether the guard holds for the given form data."""
    return _truthy(_evaluate(parse(text), data or {}))
