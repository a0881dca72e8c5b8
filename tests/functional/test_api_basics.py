"""API foundation: bearer tokens, JSON error bodies naming the field or the problem."""

from onestop.domain.org.tokens import create_token


def _admin_headers(demo_org):
    _, secret = create_token(None, demo_org.user("admin"), "test")
    return {"Authorization": f"Bearer {secret}"}


def test_malformed_json_is_400_naming_the_problem(client, demo_org):
    headers = _admin_headers(demo_org) | {"Content-Type": "application/json"}
    response = client.post("/api/v1/tokens", data="{not json", headers=headers)
    assert response.status_code == 400
    assert "JSON" in response.get_json()["message"]


def test_missing_field_is_reported_per_field(client, demo_org):
    response = client.post(
        "/api/v1/tokens", json={"username": "admin"}, headers=_admin_headers(demo_org)
    )
    assert response.status_code == 400
    assert "name" in response.get_json()["errors"]


def test_admin_creates_a_token_that_then_authenticates(client, demo_org):
    response = client.post(
        "/api/v1/tokens",
        json={"username": "motcua.anbinh", "name": "app"},
        headers=_admin_headers(demo_org),
    )
    assert response.status_code == 201
    secret = response.get_json()["token"]
    again = client.post(
        "/api/v1/tokens",
        json={"username": "admin", "name": "x"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert again.status_code == 403  # an officer's token may not create tokens


def test_unknown_token_is_401(client):
    response = client.post(
        "/api/v1/tokens",
        json={"username": "x", "name": "x"},
        headers={"Authorization": "Bearer os_nope"},
    )
    assert response.status_code == 401


def test_token_is_stored_hashed(demo_org):
    token, secret = create_token(None, demo_org.user("admin"), "portal sync")
    assert secret not in token.token_hash and len(token.token_hash) == 64
