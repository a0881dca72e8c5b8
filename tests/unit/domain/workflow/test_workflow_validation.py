"""Invalid definitions are rejected with messages naming the file, the key path and the fix."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from onestop.domain.workflow.definition import DefinitionError, load_path, load_text
from onestop.domain.workflow.orgdir import OrgDirectory

ORG = OrgDirectory.from_yaml()
WORKFLOWS = Path(__file__).resolve().parents[4] / "workflows"

BASE = {
    "code": "9.000001",
    "name": "Thủ tục thử",
    "field": "Thử",
    "level": "commune",
    "agencies": ["XA-AN-BINH"],
    "authority": {"position": "chairman"},
    "legal_time": {"working_days": 3},
    "legal_basis": ["Luật thử"],
    "parts": [{"code": "to_khai", "name": "Tờ khai"}],
    "form": {"fields": [{"name": "age", "label": "Tuổi", "type": "number"}]},
    "result": {"template": "giay-khai-sinh", "title": "Kết quả"},
    "steps": [
        {
            "id": "receive",
            "unit": "MOT_CUA",
            "role": "receiver",
            "budget": "1h",
            "next": "appraise",
        },
        {
            "id": "appraise",
            "unit": "TPHT",
            "role": "specialist",
            "budget": "1d",
            "actions": {"submit": "decide", "back": "receive"},
        },
        {
            "id": "decide",
            "authority": True,
            "budget": "4h",
            "actions": {"approve": {"to": "return", "result": "issue"}, "deny": "@refuse"},
        },
        {
            "id": "return",
            "unit": "MOT_CUA",
            "role": "receiver",
            "budget": "4h",
            "actions": {"hand_over": "@returned"},
        },
    ],
}


def problems(change) -> list[str]:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(DefinitionError) as err:
        load_text(yaml.safe_dump(data, allow_unicode=True), "thu.yaml", ORG)
    return [str(p) for p in err.value.problems]


def test_base_definition_is_valid():
    """Is the reference definition used by these tests itself valid?"""
    loaded = load_text(yaml.safe_dump(BASE, allow_unicode=True), "thu.yaml", ORG)
    assert loaded.data["legal_minutes"] == 1440
    assert loaded.data["steps"][0]["actions"] == {
        "submit": {"routes": [{"to": "appraise"}], "comment_required": False}
    }


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_definitions_are_valid(path):
    """Does every procedure shipped in workflows/ validate against the demo org tree?"""
    assert load_path(path, ORG).data["steps"]


def test_unknown_key_names_the_path_and_the_closest_key():
    """Is a misspelt key reported with its path and a suggestion?"""
    found = problems(lambda d: d["steps"][1].update(budjet="1h"))
    assert any(
        p.startswith("thu.yaml: steps[1].budjet: unknown key; did you mean 'budget'?")
        for p in found
    )


def test_unknown_agency():
    """Is an agency key missing from the org tree named with the known ones?"""
    found = problems(lambda d: d["steps"][1].update(agency="SO-KHONG-CO"))
    assert found == [
        "thu.yaml: steps[1].agency: agency 'SO-KHONG-CO' is not in "
        f"{ORG.source}; use one of: {', '.join(sorted(ORG.agencies))}"
    ]


def test_unknown_unit():
    """Is a unit that the agency does not have reported with the units it has?"""
    found = problems(lambda d: d["steps"][1].update(unit="PTP"))
    assert found == [
        "thu.yaml: steps[1].unit: unit 'PTP' does not exist in XA-AN-BINH; units "
        "there: MOT_CUA, TPHT"
    ]


def test_unknown_position():
    """Is an authority position missing in the agency reported?"""
    found = problems(lambda d: d["authority"].update(position="director"))
    assert found[0].startswith(
        "thu.yaml: authority.position: position 'director' does not exist "
        "in XA-AN-BINH; positions there:"
    )


def test_role_nobody_holds():
    """Is a role that no position of the unit holds rejected, listing the roles there?"""
    found = problems(lambda d: d["steps"][1].update(role="head"))
    assert found == [
        "thu.yaml: steps[1].role: no position in XA-AN-BINH/TPHT has role 'head'; "
        "roles there: specialist; add such a position or choose another role"
    ]


def test_invalid_role_name():
    """Is a role outside the known list rejected by the schema?"""
    found = problems(lambda d: d["steps"][1].update(role="boss"))
    assert found[0].startswith("thu.yaml: steps[1].role: role must be one of receiver, ")


def test_unknown_target():
    """Is an action leading to a step that does not exist named?"""
    found = problems(lambda d: d["steps"][1]["actions"].update(submit="decid"))
    assert found[0].startswith("thu.yaml: steps[1].actions.submit: 'decid' is not a step id")


def test_unreachable_step():
    """Is a step no action leads to reported as unreachable?"""

    def change(d):
        d["steps"].insert(
            3,
            {
                "id": "orphan",
                "unit": "TPHT",
                "role": "specialist",
                "budget": "1h",
                "next": "return",
            },
        )

    found = problems(change)
    assert found == [
        "thu.yaml: steps[3].id: step 'orphan' is unreachable: no action leads to it "
        "from the first step 'receive'; add an action that goes there or remove the step"
    ]


def test_dead_end():
    """Is a step whose only way out is refusal reported as a dead end?"""

    def change(d):
        d["steps"][1]["actions"] = {"submit": "check", "back": "receive"}
        d["steps"].insert(
            2,
            {
                "id": "check",
                "unit": "TPHT",
                "role": "specialist",
                "budget": "1h",
                "actions": {"deny": "@refuse"},
            },
        )
        d["steps"][3]["actions"]["back"] = "appraise"
        d["steps"][1]["actions"]["ok"] = "decide"

    found = problems(change)
    assert found == [
        "thu.yaml: steps[2]: step 'check' is a dead end: no path from it reaches "
        "@returned (only @refuse or nothing); add an action towards the return of "
        "the result"
    ]


def test_cycle_with_no_exit():
    """Is a loop whose steps never reach the return reported as a cycle with no exit?"""

    def change(d):
        d["steps"][1]["actions"]["loop"] = "ping"
        d["steps"].insert(
            2, {"id": "ping", "unit": "TPHT", "role": "specialist", "budget": "1h", "next": "pong"}
        )
        d["steps"].insert(
            3, {"id": "pong", "unit": "TPHT", "role": "specialist", "budget": "1h", "next": "ping"}
        )

    found = problems(change)
    assert "steps ping → pong form a cycle with no exit" in found[0]
    assert found[0].startswith("thu.yaml: steps[2]: ")


def test_budgets_that_do_not_fit_the_legal_time():
    """Are step budgets summing past the legal time reported with the path and both totals?"""
    found = problems(lambda d: d["steps"][1].update(budget="3d"))
    assert found == [
        "thu.yaml: legal_time: the step budgets add up to 4d 1h (1980 working "
        "minutes) along receive → appraise → decide → return, more than the legal "
        "time 3d (1440 minutes); shorten the budgets or correct legal_time"
    ]


def test_bad_budget_string():
    """Is a budget that is not a working-time amount rejected with examples?"""
    found = problems(lambda d: d["steps"][1].update(budget="soon"))
    assert found[0].startswith("thu.yaml: steps[1].budget: 'soon' is not a time budget")


def test_guard_that_does_not_parse_and_guard_on_unknown_field():
    """Are a malformed guard and a guard reading a field the form lacks both reported?"""
    found = problems(
        lambda d: d["steps"][1]["actions"].update(
            submit=[{"when": "age <", "to": "decide"}, {"when": "weight > 3", "to": "decide"}]
        )
    )
    assert found[0].startswith(
        "thu.yaml: steps[1].actions.submit[0].when: guard 'age <' does not parse: expected a value"
    )
    assert found[1] == (
        "thu.yaml: steps[1].actions.submit[1].when: guard reads 'weight', which "
        "is not a form field; use one of: age"
    )


def test_no_action_issues_the_result():
    """Is a workflow that never issues the result rejected with the fix?"""
    found = problems(lambda d: d["steps"][2]["actions"].update(approve="return"))
    assert found == [
        "thu.yaml: steps: no action issues the result; mark the approving action "
        "with result: issue, e.g. approve: {to: return, result: issue}"
    ]


def test_duplicate_ids():
    """Is a step id used twice reported at its second use?"""
    found = problems(lambda d: d["steps"][3].update(id="appraise"))
    assert found[0].startswith("thu.yaml: steps[3].id: id 'appraise' is used twice")


def test_missing_keys_and_bad_yaml():
    """Are a missing required key and broken YAML reported by path and line?"""
    found = problems(lambda d: d.pop("steps"))
    assert found == ["thu.yaml: steps: Missing data for required field."]
    with pytest.raises(DefinitionError) as err:
        load_text("code: [1, 2\nname: x\n", "broken.yaml", ORG)
    assert str(err.value).startswith("broken.yaml: line ")


def test_unquoted_cutoff():
    """Is an unquoted 15:00 (read by YAML as a number) explained?"""
    with pytest.raises(DefinitionError) as err:
        load_text(yaml.safe_dump(BASE, allow_unicode=True) + "cutoff: 15:00\n", "thu.yaml", ORG)
    assert "write the time in quotes" in str(err.value)


def test_parallel_branch_rules():
    """Must a branch end at @join, and may a parallel step carry no assignment of its own?"""

    def change(d):
        d["steps"][1]["actions"]["submit"] = "consult"
        d["steps"].insert(
            2,
            {
                "id": "consult",
                "next": "decide",
                "unit": "TPHT",
                "parallel": [
                    {
                        "id": "a",
                        "agency": "CA",
                        "unit": "QLHC",
                        "role": "specialist",
                        "budget": "1h",
                    },
                    {
                        "id": "b",
                        "agency": "BHXH",
                        "unit": "THU",
                        "role": "specialist",
                        "budget": "1h",
                        "actions": {"done": "decide"},
                    },
                ],
            },
        )

    found = problems(change)
    assert found == [
        "thu.yaml: steps[2].unit: a parallel step takes only id, name, parallel, "
        "join and next; move unit into its branches"
    ]

    def change_target(d):
        change(d)
        del d["steps"][2]["unit"]

    found = problems(change_target)
    assert found == [
        "thu.yaml: steps[2].parallel[1].actions.done: a parallel branch ends at "
        "@join (or @refuse), not 'decide'; the step after the join is the parallel "
        "step's next"
    ]


def test_all_problems_are_reported_together():
    """Does one run report every org problem of the file, not just the first?"""

    def change(d):
        d["steps"][0]["unit"] = "NOPE"
        d["steps"][3]["unit"] = "NADA"

    assert len(problems(change)) == 2


def test_unknown_result_template():
    """Is a result template the documents feature cannot render rejected with the known ones?"""
    found = problems(lambda d: d["result"].update(template="bang-khen"))
    assert found[0].startswith(
        "thu.yaml: result.template: template 'bang-khen' is not a result "
        "template; use one of: quyet-dinh, giay-khai-sinh"
    )
