"""Exports (CSV, XLSX, JSON), the `onestop stats` commands and the event subscription."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from stats_scenario import build_november

from onestop.domain.statistics.export import report_to_csv, report_to_dict, report_to_xlsx
from onestop.domain.statistics.models import DossierFact
from onestop.domain.statistics.report import ReportQuery, build_report
from onestop.extensions import db

NOVEMBER = ReportQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), group_by="agency")


@pytest.fixture
def report(demo_org):
    build_november(demo_org)
    return build_report(NOVEMBER)


def test_csv_has_one_line_per_row_and_the_total(report):
    """Does the CSV carry every cell and indicator, with the total last?"""
    lines = list(csv.DictReader(io.StringIO(report_to_csv(report))))
    assert len(lines) == len(report.rows) + 1
    total = lines[-1]
    assert total["label"] == "Tổng cộng"
    assert total["received"] == "12" and total["resolved_late_apology"] == "1"
    assert total["on_time_rate"] == "58.33"


def test_xlsx_follows_the_periodic_report_layout(report):
    """Does the workbook show the title, the grouped header, one row per agency and the total?"""
    ws = load_workbook(io.BytesIO(report_to_xlsx(report))).active
    assert ws["A1"].value.startswith("BÁO CÁO")
    assert "01/11/2026" in ws["A2"].value and "30/11/2026" in ws["A2"].value
    assert ws["C4"].value == "Số hồ sơ nhận giải quyết"
    assert ws["C5"].value == "Kỳ trước chuyển sang"
    labels = [ws.cell(r, 2).value for r in range(6, 6 + len(report.rows) + 1)]
    assert labels[-1] == "Tổng cộng"
    total_row = 6 + len(report.rows)
    assert ws.cell(total_row, 3).value == 2  # carried over
    assert ws.cell(total_row, 7).value == 12  # received


def test_json_is_plain_data(report):
    """Can the report be serialised as is for the API?"""
    data = json.loads(json.dumps(report_to_dict(report)))
    assert data["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert data["total"]["cells"]["in_progress_overdue"] == 2


def test_drill_down_as_data(report):
    """Can the dossiers behind a number be served as JSON?"""
    from onestop.domain.statistics.drilldown import dossiers_behind
    from onestop.domain.statistics.export import facts_to_dicts

    facts = dossiers_behind(NOVEMBER, "resolved_late_apology")
    rows = json.loads(json.dumps(facts_to_dicts(facts)))
    assert [r["dossier_code"][-3:] for r in rows] == ["D03"]
    assert rows[0]["apology"] is True and rows[0]["new_due_at"].startswith("2026-11-12")


def test_cli_report_and_refresh(app, demo_org, tmp_path, monkeypatch):
    """Do `onestop stats report` and `onestop stats refresh` work on the test database?"""
    build_november(demo_org)
    # The commands commit; inside the test transaction a commit only releases a savepoint.
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "stats",
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--agency",
            "XA-AN-BINH",
            "--group-by",
            "none",
        ]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"]["cells"]["received"] == 12
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        args=[
            "stats",
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(out).active["A1"].value.startswith("BÁO CÁO")
    result = runner.invoke(
        args=[
            "stats",
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--officer",
            "motcua.anbinh",
            "--format",
            "csv",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].split(",")[6] == "4"  # received, total row
    result = runner.invoke(
        args=[
            "stats",
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--agency",
            "NOWHERE",
        ]
    )
    assert result.exit_code == 2 and "NOWHERE" in result.output
    db.session.query(DossierFact).delete()
    result = runner.invoke(args=["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert "15 dossier(s)" in result.output
    assert db.session.query(DossierFact).count() == 15
    result = runner.invoke(args=["stats", "refresh", "--rollups-only"])
    assert result.exit_code == 0 and "rollups rebuilt" in result.output, result.output
    assert build_report(NOVEMBER).total.cells["received"] == 12


def test_dossier_events_refresh_the_facts(demo_org):
    """Does a lifecycle event keep the facts current in the same transaction?"""
    from onestop.domain.dossiers.events import emit

    scenario = build_november(demo_org)
    d10 = scenario.dossiers["D10"]
    d10.status, d10.processed_at = "processed", d10.due_at
    emit("processed", d10)
    fact = db.session.query(DossierFact).filter_by(dossier_id=d10.id).one()
    assert (fact.outcome, fact.classification) == ("resolved", "on_time")


def test_percentile_bounds_come_from_the_histogram():
    """Is the percentile the bound of the bucket holding the p-th dossier?"""
    from onestop.domain.statistics.indicators import bucket_of, percentile_days

    assert [bucket_of(m) for m in (0, 240, 241, 480, 960, 29000)] == [0, 0, 1, 1, 2, 12]
    histogram = [0] * 13
    histogram[2], histogram[4], histogram[12] = 5, 4, 1
    assert percentile_days(histogram, 50) == 2
    assert percentile_days(histogram, 90) == 5
    assert percentile_days(histogram, 100) is None  # beyond 60 days
    assert percentile_days([0] * 13, 50) is None
