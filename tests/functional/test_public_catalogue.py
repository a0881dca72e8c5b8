"""The public catalogue, procedure page and dossier lookup (no login)."""

from __future__ import annotations

import pytest

from onestop.domain.dossiers.lifecycle import receive, submit_online
from onestop.web.public import fold, initials, lookups
from tests.unit.domain.dossiers.dossier_support import (
    KHAI_SINH,
    KHAI_SINH_FORM,
    T0,
    WORKFLOWS,
    khai_sinh_parts,
    publish_file,
)


@pytest.fixture
def catalogue(demo_org):
    """Every shipped procedure published against the demo province."""
    return [publish_file(path) for path in sorted(WORKFLOWS.glob("*.yaml"))]


def test_fold_removes_vietnamese_diacritics():
    assert fold("Đăng ký  KHAI SINH") == "dang ky khai sinh"
    assert fold("Cấp Phiếu lý lịch tư pháp") == "cap phieu ly lich tu phap"


def test_search_without_diacritics_finds_the_procedure(client, catalogue):
    page = client.get("/thu-tuc?q=dang+ky+khai+sinh").get_data(as_text=True)
    assert "/thu-tuc/1.001193" in page
    assert "/thu-tuc/2.000488" not in page


def test_search_by_code_field_and_agency(client, catalogue):
    assert "/thu-tuc/2.000488" in client.get("/thu-tuc?q=2.000488").get_data(as_text=True)
    by_field = client.get("/thu-tuc?q=ho+tich").get_data(as_text=True)
    assert "/thu-tuc/1.001193" in by_field and "/thu-tuc/2.000488" not in by_field
    by_agency = client.get("/thu-tuc?q=xa+an+binh").get_data(as_text=True)
    assert "/thu-tuc/1.001193" in by_agency and "/thu-tuc/1.004227" not in by_agency
    filtered = client.get("/thu-tuc?agency=XA-HOA-LAC").get_data(as_text=True)
    assert "/thu-tuc/1.001193" in filtered and "/thu-tuc/2.000488" not in filtered


def test_no_match_says_so(client, catalogue):
    page = client.get("/thu-tuc?q=zzzz").get_data(as_text=True)
    assert "Không tìm thấy thủ tục" in page


def test_procedure_page_shows_what_an_applicant_needs(client, catalogue):
    page = client.get("/thu-tuc/1.001193").get_data(as_text=True)
    for text in (
        "Tờ khai đăng ký khai sinh",
        "Trong ngày làm việc",
        "Không mất phí",
        "xã An Bình",
        "Luật Hộ tịch số 60/2014/QH13",
        "Qua dịch vụ bưu chính",
        "/cong-dan/nop/1.001193",
    ):
        assert text in page


def test_unknown_procedure_is_404(client, catalogue):
    assert client.get("/thu-tuc/9.999999").status_code == 404


@pytest.fixture
def received(demo_org):
    version = publish_file(KHAI_SINH)
    dossier = submit_online(
        demo_org.user("001090001234"),
        version,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "lookup-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )
    return receive(dossier, demo_org.user("motcua.anbinh"), T0)


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    lookups.clear()
    yield
    lookups.clear()


def test_lookup_by_code_and_phone_shows_initials_only(client, received):
    page = client.get(f"/tra-cuu?code={received.code}&contact=0912345678").get_data(as_text=True)
    assert received.code in page and "N. T. B." in page
    assert "Nguyễn Thị Bình" not in page
    assert "Đã tiếp nhận" in page


def test_lookup_by_id_number(client, received):
    page = client.get(f"/tra-cuu?code={received.code.lower()}&contact=001090001234")
    assert 'id="lookup-result"' in page.get_data(as_text=True)


def test_lookup_with_a_wrong_phone_reveals_nothing(client, received):
    page = client.get(f"/tra-cuu?code={received.code}&contact=0900000000").get_data(as_text=True)
    assert 'id="not-found"' in page and "N. T. B." not in page


def test_lookup_asks_for_the_missing_field(client, received):
    page = client.get(f"/tra-cuu?code={received.code}&contact=").get_data(as_text=True)
    assert "Nhập số điện thoại hoặc số định danh" in page


def test_lookup_is_rate_limited(app, client, received):
    limit = app.config["ONESTOP_LOOKUP_PER_MINUTE"]
    for _ in range(limit):
        assert client.get(f"/tra-cuu?code=X&contact=0{_}").status_code == 200
    blocked = client.get(f"/tra-cuu?code={received.code}&contact=0912345678")
    assert blocked.status_code == 429
    assert "N. T. B." not in blocked.get_data(as_text=True)


def test_initials():
    assert initials("Công ty TNHH Hòa Phát") == "C. T. T. H. P."
