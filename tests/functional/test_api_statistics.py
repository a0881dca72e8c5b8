"""Statistics through the API: officers see their own agencies, the public sees on-time rates."""

from onestop.domain.org.tokens import create_token


def _bearer(demo_org, username):
    _, secret = create_token(None, demo_org.user(username), "test")
    return {"Authorization": f"Bearer {secret}"}


def test_public_on_time_figures_need_no_login(client, demo_org):
    response = client.get("/api/v1/statistics/on-time?tu=2026-01-01&den=2026-06-30")
    assert response.status_code == 200
    body = response.get_json()
    assert "total" in body and "rows" in body


def test_report_needs_an_officer_or_admin(client, demo_org):
    assert client.get("/api/v1/statistics/report").status_code == 401
    citizen = _bearer(demo_org, "001090001234")
    assert client.get("/api/v1/statistics/report", headers=citizen).status_code == 403


def test_officer_cannot_read_another_agencys_report(client, demo_org):
    officer = _bearer(demo_org, "motcua.anbinh")
    own = client.get("/api/v1/statistics/report?co_quan=XA-AN-BINH", headers=officer)
    assert own.status_code == 200
    other = client.get("/api/v1/statistics/report?co_quan=SNV", headers=officer)
    assert other.status_code == 403


def test_bad_period_names_the_field(client, demo_org):
    admin = _bearer(demo_org, "admin")
    response = client.get("/api/v1/statistics/report?tu=2026-13-01", headers=admin)
    assert response.status_code == 400
    assert "tu" in response.get_json()["errors"]
