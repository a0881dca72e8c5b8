"""Every shipped procedure walked through the HTTP API: the citizen submits, the desk receives,
officers act on their steps; plus a supplement round, a refused second request, a refusal and a
withdrawal. Only the delegations of the delegated procedures are set up through the domain."""

from __future__ import annotations

import base64

import pytest
from dossier_support import WORKFLOWS, publish_file
from test_workflow_procedures import DELEGATIONS, DESKS, WALKS, delegate, sample_form

from onestop.domain.org.tokens import create_token

CITIZEN = "001090001234"
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").decode()


@pytest.fixture
def bearer(demo_org):
    tokens = {}

    def headers(username: str) -> dict:
        if username not in tokens:
            tokens[username] = create_token(None, demo_org.user(username), "api walk")[1]
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


def submit(client, bearer, demo_org, version, key="walk"):
    definition = version.definition
    agency = demo_org.agency(definition["agencies"][0])
    body = {
        "procedure_code": definition["code"],
        "form_data": sample_form(definition),
        "parts": [
            {"code": p["code"], "filename": f"{p['code']}.pdf", "content_base64": PDF}
            for p in definition["parts"]
            if p["required"]
        ],
        "idempotency_key": key,
        "agency_id": agency.id,
    }
    response = client.post("/api/v1/dossiers", json=body, headers=bearer(CITIZEN))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"], DESKS[agency.key]


def receive(client, bearer, dossier_id, desk):
    response = client.post(f"/api/v1/officer/dossiers/{dossier_id}/receive", headers=bearer(desk))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def act(client, bearer, dossier_id, step, branch, username, action):
    """Find the step's task in the officer's queue through the API and act on it."""
    queue = client.get("/api/v1/officer/tasks?limit=100", headers=bearer(username)).get_json()
    rows = [
        r
        for r in queue["tasks"]
        if r["dossier_id"] == dossier_id and r["step_id"] == step and r["branch"] == branch
    ]
    assert rows, f"{username} sees no task {step}/{branch}: {queue}"
    task = rows[0]
    response = client.post(
        f"/api/v1/officer/tasks/{task['id']}/actions",
        json={"action": action, "version": task["version"], "comment": "ok"},
        headers=bearer(username),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def status(client, bearer, dossier_id):
    return client.get(f"/api/v1/dossiers/{dossier_id}", headers=bearer(CITIZEN)).get_json()


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yaml")), ids=lambda p: p.name[:8])
def test_every_shipped_procedure_walks_through_the_api(path, client, demo_org, bearer):
    """Does each procedure (parallel joins included) run from submission to return via HTTP?"""
    version = publish_file(path)
    code = version.procedure.code
    if code in DELEGATIONS:
        delegate(demo_org, code)
    dossier_id, desk = submit(client, bearer, demo_org, version)
    received = receive(client, bearer, dossier_id, desk)
    assert received["code"] and received["due_at"]
    for step, branch, username, action in WALKS[code]:
        act(client, bearer, dossier_id, step, branch, username, action)
    assert status(client, bearer, dossier_id)["status"] == "returned"


def test_supplement_round_and_refused_second_request(client, demo_org, bearer):
    """Does a supplement pause and resume, and is a second request refused unless acknowledged?"""
    version = publish_file(WORKFLOWS / "1.001193-dang-ky-khai-sinh.yaml")
    dossier_id, desk = submit(client, bearer, demo_org, version)
    receive(client, bearer, dossier_id, desk)
    ask = {"reason": "Giấy chứng sinh bị mờ", "items": ["Giấy chứng sinh"]}
    first = client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/supplement-request", json=ask, headers=bearer(desk)
    )
    assert first.status_code == 200 and first.get_json()["status"] == "supplement_requested"
    part = version.definition["parts"][0]["code"]
    answer = client.post(
        f"/api/v1/dossiers/{dossier_id}/supplement",
        headers=bearer(CITIZEN),
        json={"parts": [{"code": part, "filename": "moi.pdf", "content_base64": PDF}]},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] != "supplement_requested"
    second = client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/supplement-request", json=ask, headers=bearer(desk)
    )
    assert second.status_code in (400, 409)
    assert second.get_json()["message"]
    assert status(client, bearer, dossier_id)["status"] != "supplement_requested"


def test_refusal_and_withdrawal_through_the_api(client, demo_org, bearer):
    """Are a refusal (with its reason) and an applicant's withdrawal final?"""
    version = publish_file(WORKFLOWS / "1.001193-dang-ky-khai-sinh.yaml")
    refused_id, desk = submit(client, bearer, demo_org, version, key="refuse")
    receive(client, bearer, refused_id, desk)
    missing = client.post(
        f"/api/v1/officer/dossiers/{refused_id}/refuse", json={}, headers=bearer(desk)
    )
    assert missing.status_code == 400 and "reason" in missing.get_json()["errors"]
    refused = client.post(
        f"/api/v1/officer/dossiers/{refused_id}/refuse",
        json={"reason": "Không thuộc thẩm quyền"},
        headers=bearer(desk),
    )
    assert refused.get_json()["status"] == "refused"
    withdrawn_id, desk = submit(client, bearer, demo_org, version, key="withdraw")
    receive(client, bearer, withdrawn_id, desk)
    stop = client.post(
        f"/api/v1/dossiers/{withdrawn_id}/withdraw",
        json={"reason": "Tôi không có nhu cầu nữa"},
        headers=bearer(CITIZEN),
    )
    assert stop.status_code == 200 and stop.get_json()["status"] == "withdrawn"


def test_another_officer_agency_sees_nothing(client, demo_org, bearer):
    """Can an officer of an unrelated agency receive someone else's dossier? (404, not 403)"""
    version = publish_file(WORKFLOWS / "1.001193-dang-ky-khai-sinh.yaml")
    dossier_id, _ = submit(client, bearer, demo_org, version)
    response = client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/receive", headers=bearer("canbo.ca")
    )
    assert response.status_code == 404
