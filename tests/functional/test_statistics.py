"""Statistics pages over HTTP: public on-time page, dashboard, drill-down, downloads, access."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "domain" / "statistics"))
from stats_scenario import build_november  # noqa: E402

from onestop.extensions import db  # noqa: E402

NOV = "tu=2026-11-01&den=2026-11-30"


@pytest.fixture
def november(demo_org, frozen_clock):
    frozen_clock(datetime(2026, 12, 3, 3, 0, tzinfo=UTC))
    scenario = build_november(demo_org)
    # Commit (a savepoint inside the test transaction) so an error page's rollback keeps the data.
    db.session.commit()
    return scenario


def test_public_page_needs_no_login(client, november):
    """Can anyone see on-time rates per agency and per procedure at /thong-ke?"""
    response = client.get(f"/thong-ke?{NOV}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "58.33%" in html  # indicator 2.1 of the whole province
    assert "Đăng ký khai sinh" in html and "<svg" in html
    assert "H99.XA.01-D10" not in html  # no dossier list in public


def test_dashboard_drill_down_and_downloads(client, login_as, november):
    """Does a commune leader see the report, open the dossiers behind a number and download it?"""
    login_as("chutich.anbinh")
    html = client.get(f"/thong-ke/bang-dieu-khien?{NOV}&nhom=none").get_data(as_text=True)
    assert "Báo cáo định kỳ" in html and "<svg" in html
    assert "o=in_progress_overdue" in html
    listing = client.get(f"/thong-ke/chi-tiet?{NOV}&nhom=none&o=in_progress_overdue")
    body = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "H99.XA.01-D10" in body and "H99.XA.01-D14" in body and "H99.XA.01-D09" not in body
    xlsx = client.get(f"/thong-ke/bao-cao.xlsx?{NOV}")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws["A1"].value.startswith("BÁO CÁO")
    csv = client.get(f"/thong-ke/bao-cao.csv?{NOV}&nhom=procedure")
    assert csv.status_code == 200 and "1.001193" in csv.get_data(as_text=True)


def test_officers_see_only_their_agency(client, login_as, november):
    """Is a commune officer refused another agency's statistics, and a citizen refused all?"""
    login_as("chutich.anbinh")
    assert client.get(f"/thong-ke/bang-dieu-khien?{NOV}&co_quan=STP").status_code == 403
    assert client.get(f"/thong-ke/chi-tiet?{NOV}&o=nonsense").status_code == 400
    assert client.get("/thong-ke/bang-dieu-khien?tu=2026-13-01").status_code == 400


def test_dashboard_requires_login(client):
    """Does an anonymous visitor get sent to the login page?"""
    response = client.get("/thong-ke/bang-dieu-khien")
    assert response.status_code in (302, 401)
