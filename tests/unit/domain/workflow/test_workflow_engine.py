"""The pure engine: tokens opened, closed and cancelled by actions; joins; guarded routes."""

from __future__ import annotations

import pytest
import yaml

from onestop.domain import DomainError
from onestop.domain.workflow.definition import load_text
from onestop.domain.workflow.engine import Instance, Workflow
from onestop.domain.workflow.orgdir import OrgDirectory

SOURCE = """
code: "9.000002"
name: Thử
field: Thử
level: commune
agencies: [XA-AN-BINH]
authority: {position: chairman}
legal_time: {working_days: 10}
legal_basis: [x]
parts: []
form: {fields: [{name: age, label: Tuổi, type: number}]}
result: {template: quyet-dinh, title: Kết quả}
steps:
  - id: receive
    unit: MOT_CUA
    role: receiver
    budget: 1h
    actions: {submit: [{when: "age < 6", to: consult}, {to: decide}]}
  - id: consult
    parallel:
      - {id: police, agency: CA, unit: QLHC, role: specialist, budget: 2d,
         actions: {done: "@join", deny: "@refuse"}}
      - {id: insurance, agency: BHXH, unit: THU, role: specialist, budget: 1d}
    join: JOIN
    next: decide
  - id: decide
    authority: true
    budget: 4h
    actions: {approve: {to: return, result: issue}, back: receive}
  - {id: return, unit: MOT_CUA, role: receiver, budget: 4h, actions: {hand_over: "@returned"}}
"""


def workflow(join: str = "all") -> Workflow:
    text = SOURCE.replace("JOIN", join)
    return Workflow(load_text(text, "t.yaml", OrgDirectory.from_yaml()).data)


def started(join: str = "all") -> Instance:
    instance = Instance(workflow(join))
    assert instance.start() == [("receive", None)]
    return instance


def test_guard_picks_the_first_route_that_holds():
    """Does a young child's dossier go to the consultation, an older one to the decision?"""
    young, old = started(), started()
    assert young.fire(("receive", None), "submit", {"age": 3}).opened == [
        ("consult", "police"),
        ("consult", "insurance"),
    ]
    assert old.fire(("receive", None), "submit", {"age": 9}).opened == [("decide", None)]


def test_join_all_waits_for_every_branch():
    """Does an all-join open the next step only after the last branch?"""
    instance = started()
    instance.fire(("receive", None), "submit", {"age": 1})
    first = instance.fire(("consult", "insurance"), "done")
    assert first.opened == [] and instance.tokens == [("consult", "police")]
    second = instance.fire(("consult", "police"), "done")
    assert second.opened == [("decide", None)]


def test_join_any_cancels_the_other_branches():
    """Does an any-join continue on the first branch done and cancel the others?"""
    instance = started("any")
    instance.fire(("receive", None), "submit", {"age": 1})
    outcome = instance.fire(("consult", "police"), "done")
    assert outcome.cancelled == [("consult", "insurance")]
    assert instance.tokens == [("decide", None)]


def test_refusal_in_a_branch_ends_everything():
    """Does @refuse in one branch end the case and cancel the open branch?"""
    instance = started()
    instance.fire(("receive", None), "submit", {"age": 1})
    outcome = instance.fire(("consult", "police"), "deny")
    assert outcome.end == "@refuse" and outcome.cancelled == [("consult", "insurance")]
    assert instance.tokens == []


def test_result_issue_and_return_end():
    """Does approve mark the result issued, and hand_over end the case at @returned?"""
    instance = started()
    instance.fire(("receive", None), "submit", {"age": 9})
    assert instance.fire(("decide", None), "approve").issues_result
    assert instance.fire(("return", None), "hand_over").end == "@returned"
    assert instance.ended == "@returned"


def test_send_back_and_errors():
    """Does 'back' reopen an earlier step, and are unknown actions and closed steps refused?"""
    instance = started()
    instance.fire(("receive", None), "submit", {"age": 9})
    assert instance.fire(("decide", None), "back").opened == [("receive", None)]
    with pytest.raises(DomainError, match="available: submit"):
        instance.fire(("receive", None), "approve")
    with pytest.raises(DomainError, match="not open"):
        instance.fire(("decide", None), "approve")


def test_no_route_holds():
    """Is an action whose every route is guarded out refused?"""
    data = yaml.safe_load(SOURCE.replace("JOIN", "all"))
    data["steps"][0]["actions"]["submit"] = [
        {"when": "age < 6", "to": "consult"},
        {"when": "age > 100", "to": "decide"},
    ]
    wf = Workflow(load_text(yaml.safe_dump(data), "t.yaml", OrgDirectory.from_yaml()).data)
    instance = Instance(wf)
    instance.start()
    with pytest.raises(DomainError, match="none of its conditions hold"):
        instance.fire(("receive", None), "submit", {"age": 10})
