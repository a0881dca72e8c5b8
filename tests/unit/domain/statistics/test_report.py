"""The periodic report of November 2026 for a month of dossiers with known outcomes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select
from stats_scenario import build_november

from onestop.domain import DomainError
from onestop.domain.dossiers.models import Dossier, DossierPart, Extension, Pause
from onestop.domain.statistics.cells import CELLS
from onestop.domain.statistics.drilldown import dossiers_behind
from onestop.domain.statistics.models import AgencyPartFact, DossierFact
from onestop.domain.statistics.report import ReportQuery, build_report
from onestop.domain.workflow.models import Task
from onestop.extensions import db

NOVEMBER = dict(first=date(2026, 11, 1), last=date(2026, 11, 30))

EXPECTED_TOTAL = {
    "carried_over": 2,  # D01 (resolved in Nov), D14 (still open, overdue)
    "new_online": 5,  # D02 D05 D06 D09 D15
    "new_desk": 4,  # D03 D07 D08 D10
    "new_post": 1,  # D04
    "received": 12,
    "resolved_early": 2,  # D01, D15
    "resolved_on_time": 2,  # D02, D05 (its supplement pause excluded)
    "resolved_late_apology": 1,  # D03 (form 04; judged against the due date before it)
    "resolved_late_no_apology": 2,  # D04, D06 (second supplement request)
    "resolved": 7,
    "in_progress_within": 1,  # D09 (paused at period end, due 3/12)
    "in_progress_overdue": 2,  # D10, D14
    "in_progress": 3,
    "withdrawn": 1,  # D07
    "refused": 1,  # D08
    "returned": 3,  # D02, D13 (processed in Oct), D15
    "ended_on_time": 7,  # 4 resolved + D07 + D08 + D09
    "online_resolved_electronic": 1,
    "digitised_resolved": 1,
    "new_reused": 1,
    "complaints": 1,
    "rated": 2,
}


@pytest.fixture
def scenario(demo_org):
    return build_november(demo_org)


def _balanced(cells):
    return cells["received"] == (
        cells["resolved"] + cells["withdrawn"] + cells["refused"] + cells["in_progress"]
    )


def test_every_cell_of_the_total_row(scenario):
    """Does each cell of the whole report count exactly the dossiers it should?"""
    report = build_report(ReportQuery(**NOVEMBER, group_by="none"))
    assert report.total.cells == EXPECTED_TOTAL
    assert _balanced(report.total.cells)
    assert report.rows == []


def test_indicators_of_qd_766(scenario):
    """Are 2.1, 2.2 and the shares computed with the DOMAIN.md definitions?"""
    ind = build_report(ReportQuery(**NOVEMBER, group_by="none")).total.indicators
    assert ind["on_time_rate"] == 58.33  # 7 / 12
    # Working minutes, pauses excluded: D01 1980, D02 1740, D03 2400, D04 2400, D05 1800-480,
    # D06 1920-960, D15 1080 (24/11, Vietnam Cultural Day, is a day off) -> 11880 / 7.
    assert ind["average_minutes"] == 1697.1
    assert ind["average_days"] == 3.54
    # Histogram: 1 within 2 days, 2 more within 3, the other 4 within 5 days.
    assert (ind["p50_days"], ind["p90_days"]) == (5, 5)
    assert ind["online_share"] == 50.0  # 5 of 10 new
    assert ind["electronic_result_share"] == 14.29  # 1 of 7 resolved
    assert ind["digitisation_share"] == 14.29
    assert ind["reuse_share"] == 10.0
    assert ind["complaint_share"] == 8.33
    assert ind["satisfaction"] == 50.0  # 100 - (41.67 + 8.33)
    assert ind["average_rating"] == 3.5


def test_inter_agency_parts_count_once_per_agency(scenario, demo_org):
    """Is the inter-agency dossier once in each agency's row, judged by that part's own steps?"""
    report = build_report(ReportQuery(**NOVEMBER, group_by="agency"))
    rows = {r.key: r.cells for r in report.rows}
    xa, ca, bhxh = (demo_org.agency(k).id for k in ("XA-AN-BINH", "CA", "BHXH"))
    assert set(rows) == {xa, ca, bhxh}
    assert rows[ca]["received"] == rows[ca]["new_online"] == rows[ca]["resolved_early"] == 1
    assert rows[bhxh]["resolved_late_no_apology"] == 1
    # The commune's part of D15 (receive + return steps) was on time, not early as the dossier.
    assert rows[xa]["resolved_early"] == 1 and rows[xa]["resolved_on_time"] == 3
    assert rows[xa]["received"] == 12
    assert report.total.cells == EXPECTED_TOTAL
    assert all(_balanced(cells) for cells in rows.values())


def test_rows_by_procedure_field_and_officer(scenario, demo_org):
    """Do the groupings split the same dossiers without losing or doubling any?"""
    by_procedure = build_report(ReportQuery(**NOVEMBER, group_by="procedure"))
    counts = {r.key: r.cells["received"] for r in by_procedure.rows}
    assert counts == {"1.001193": 11, "1.001023": 1}
    assert {r.label for r in by_procedure.rows} == {
        "Đăng ký khai sinh",
        "Liên thông khai sinh, thường trú, BHYT",
    }
    by_field = build_report(ReportQuery(**NOVEMBER, group_by="field", field="Liên thông"))
    assert [(r.key, r.cells["resolved_early"]) for r in by_field.rows] == [("Liên thông", 1)]
    assert by_field.total.cells["received"] == 1
    desk = demo_org.user("motcua.anbinh")
    by_officer = build_report(ReportQuery(**NOVEMBER, group_by="officer", officer_id=desk.id))
    row = next(r for r in by_officer.rows if r.key == desk.id)
    assert row.label == desk.full_name
    assert row.cells["received"] == 4 and row.cells["carried_over"] == 1
    assert by_officer.total.cells["received"] == 4


def test_rows_and_ratings_per_unit(scenario, demo_org):
    """Does each unit that held a step get a row, with its dossiers' ratings?"""
    report = build_report(ReportQuery(**NOVEMBER, group_by="unit"))
    rows = {r.key: r for r in report.rows}
    desk_unit = demo_org.agency("XA-AN-BINH").units[0]
    police_unit = demo_org.agency("CA").units[0]
    assert set(rows) == {desk_unit.id, police_unit.id, demo_org.agency("BHXH").units[0].id}
    assert rows[desk_unit.id].cells["received"] == 1
    assert rows[desk_unit.id].indicators["average_rating"] == 5.0
    assert rows[police_unit.id].label.endswith(f"({demo_org.agency('CA').display_name})")
    behind = dossiers_behind(
        ReportQuery(**NOVEMBER, group_by="unit"), "resolved", str(police_unit.id)
    )
    assert [f.dossier_code[-3:] for f in behind] == ["D15"]


def test_agency_subtree_filter(scenario, demo_org):
    """Does filtering by an agency keep its subtree only?"""
    province = build_report(ReportQuery(**NOVEMBER, agency_id=demo_org.agency("UBND-TINH").id))
    assert province.total.cells["received"] == 12
    other = build_report(ReportQuery(**NOVEMBER, agency_id=demo_org.agency("XA-HOA-LAC").id))
    assert other.total.cells["received"] == 0
    assert other.total.indicators["on_time_rate"] is None


def test_next_period_carries_over_what_was_open(scenario):
    """Is what was in progress at the end of November carried over into December?"""
    december = build_report(
        ReportQuery(first=date(2026, 12, 1), last=date(2026, 12, 31), group_by="none")
    ).total.cells
    assert december["carried_over"] == 3
    assert december["new_desk"] == 1  # D11
    assert december["in_progress"] == 4 and december["in_progress_overdue"] == 4  # all past due
    assert _balanced(december)


def test_drill_down_lists_the_dossiers_behind_a_cell(scenario):
    """Does every number open onto exactly the dossiers it counts?"""
    query = ReportQuery(**NOVEMBER, group_by="none")
    report = build_report(query)
    for cell in CELLS:
        behind = dossiers_behind(query, cell)
        assert len(behind) == report.total.cells[cell], cell
    overdue = {f.dossier_code[-3:] for f in dossiers_behind(query, "in_progress_overdue")}
    assert overdue == {"D10", "D14"}


def test_facts_survive_dossier_deletion(scenario):
    """Are the numbers unchanged after the dossiers themselves are purged (data retention)?"""
    query = ReportQuery(**NOVEMBER, group_by="agency")
    before = build_report(query)
    for model in (Task, Pause, Extension, DossierPart):
        db.session.execute(delete(model))
    db.session.execute(delete(Dossier))
    db.session.expire_all()
    after = build_report(query)
    assert after.total.cells == before.total.cells
    assert [r.cells for r in after.rows] == [r.cells for r in before.rows]


def test_refresh_follows_the_dossier(scenario):
    """Does refreshing after a change move the dossier between cells, without duplicates?"""
    from onestop.domain.statistics.facts import refresh_fact

    d10 = scenario.dossiers["D10"]
    d10.status, d10.processed_at = "processed", d10.due_at.replace(day=27)
    refresh_fact(d10)
    refresh_fact(d10)
    fact = db.session.scalar(select(DossierFact).where(DossierFact.dossier_id == d10.id))
    assert (fact.outcome, fact.classification, fact.apology) == ("resolved", "late", False)
    assert db.session.query(AgencyPartFact).filter_by(dossier_id=d10.id).count() == 1
    cells = build_report(ReportQuery(**NOVEMBER, group_by="none")).total.cells
    assert cells["resolved_late_no_apology"] == 3 and cells["in_progress_overdue"] == 1


def test_unreceived_dossier_has_no_fact(scenario):
    """Is a submitted-but-not-received online dossier kept out of the statistics?"""
    from onestop.domain.statistics.facts import refresh_fact

    d = scenario.dossiers["D11"]
    d.status, d.received_at, d.code = "submitted", None, None
    assert refresh_fact(d) is None
    assert db.session.query(DossierFact).filter_by(dossier_id=d.id).count() == 0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(first=date(2026, 12, 1), last=date(2026, 11, 1)), "last"),
        (dict(first=date(2020, 1, 1), last=date(2026, 1, 1)), "last"),
        (dict(first=date(2026, 1, 1), last=date(2026, 1, 2), group_by="position"), "group_by"),
    ],
)
def test_bad_queries_name_the_field(kwargs, field):
    """Does a bad report query say which field is wrong?"""
    with pytest.raises(DomainError) as error:
        ReportQuery(**kwargs)
    assert error.value.field == field
