"""The foundation through HTTP: pages, errors, security headers, login and its rate limit."""

import pytest

from tests.conftest import login, make_test_app


def test_home_page_is_served_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Hệ thống thông tin một cửa điện tử" in response.get_data(as_text=True)


def test_security_headers_forbid_framing_inline_script_and_sniffing(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_route_is_404_html_or_json_by_accept(client):
    html = client.get("/khong-co", headers={"Accept": "text/html"})
    assert html.status_code == 404 and "Không tìm thấy" in html.get_data(as_text=True)
    json = client.get("/khong-co", headers={"Accept": "application/json"})
    assert json.status_code == 404 and json.get_json()["message"]


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "Error" in spec["components"]["schemas"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "openapi.json" in page.get_data(as_text=True)


def test_login_lands_each_kind_on_its_page(client, demo_org):
    response = login(client, "motcua.anbinh")
    assert response.headers["Location"].endswith("/can-bo")
    assert client.get("/can-bo").status_code == 200
    assert client.get("/quan-tri").status_code == 403


def test_wrong_password_names_the_problem_without_saying_which_part(client, demo_org):
    response = client.post("/dang-nhap", data={"username": "admin", "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "không đúng" in response.get_data(as_text=True)


def test_repeated_wrong_passwords_are_rate_limited(client, demo_org, app):
    limit = app.config["ONESTOP_LOGIN_ATTEMPTS"]
    for _ in range(limit):
        client.post("/dang-nhap", data={"username": "admin", "password": "sai"})
    blocked = client.post("/dang-nhap", data={"username": "admin", "password": DemoPassword})
    assert blocked.status_code == 429
    assert "thử lại sau" in blocked.get_data(as_text=True)


DemoPassword = "demo-2026-onestop"


def test_landing_pages_need_login(client):
    response = client.get("/cong-dan")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_next_parameter_cannot_redirect_off_site(client, demo_org):
    response = client.post(
        "/dang-nhap?next=//evil.example/x", data={"username": "admin", "password": DemoPassword}
    )
    assert response.headers["Location"] == "/quan-tri"


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_unexpected_error_shows_no_stack_trace(tmp_path_factory, accept):
    fresh = make_test_app(tmp_path_factory)

    @fresh.get("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = fresh.test_client().get("/__boom", headers={"Accept": accept})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
