"""The guard language: parsed by our own parser, evaluated over form data, never eval'd."""

from __future__ import annotations

import pytest

from onestop.domain.workflow import guards

DATA = {"age": 4, "sex": "Nữ", "members": 60, "budget": True, "owner": {"kind": "company"}}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("age < 6", True),
        ("age >= 6", False),
        ("sex == 'Nữ' and age < 6", True),
        ("not budget or members > 100", False),
        ("members >= 50 or budget", True),
        ("sex in ['Nam', 'Nữ']", True),
        ('sex not in ["Nam"]', True),
        ("owner.kind == 'company'", True),
        ("missing == null", True),
        ("missing > 3", False),  # null never compares as a number
        ("sex > 3", False),  # mismatched types are false, not an error
        ("(age < 6 or members < 10) and not (sex == 'Nam')", True),
        ("-1 < age", True),
        ("age == 4.0", True),
    ],
)
def test_guards_evaluate(expression, expected):
    """Does each expression give the expected truth value over the form data?"""
    assert guards.evaluate(expression, DATA) is expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('x')", "expected"),
        ("age <", "expected a value"),
        ("age < 6 )", "unexpected"),
        ("age ; 6", "unexpected character"),
        ("(age < 6", r"expected '\)'"),
        ("", "non-empty"),
        ("age.__class__ == 1 and ", "expected a value"),
    ],
)
def test_bad_guards_are_rejected_with_a_reason(expression, message):
    """Is anything outside the grammar rejected with a message, never executed?"""
    with pytest.raises(guards.GuardError, match=message):
        guards.parse(expression)


def test_names_lists_the_fields_read():
    """Does `names` report the form fields an expression reads (first segment of dotted names)?"""
    assert guards.names(guards.parse("a < 1 and owner.kind == 'x' or not c")) == {"a", "owner", "c"}


def test_dunder_names_read_only_data():
    """Does a dotted name only look up keys in the data, never attributes?"""
    assert guards.evaluate("age.__class__ == null", DATA) is True


def test_huge_or_deeply_nested_guards_are_refused():
    """Are an overlong guard and one nested past the parser's depth refused, not crashing?"""
    with pytest.raises(guards.GuardError, match="at most"):
        guards.parse("age < 6 or " * 100 + "true")
    with pytest.raises(guards.GuardError, match="nested too deeply"):
        guards.parse("(" * 240 + "1" + ")" * 240)
