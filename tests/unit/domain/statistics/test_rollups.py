"""Monthly rollups: kept in step with the facts, and giving the same report for whole months."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from stats_scenario import build_november

from onestop.domain import DomainError
from onestop.domain.statistics import rollups
from onestop.domain.statistics.facts import forget_fact, refresh_fact
from onestop.domain.statistics.models import COUNTERS, MonthlyRollup
from onestop.domain.statistics.report import ReportQuery, build_report, uses_rollups
from onestop.extensions import db

PERIODS = [
    (date(2026, 11, 1), date(2026, 11, 30)),  # whole months: rollups only
    (date(2026, 10, 1), date(2026, 12, 31)),
    (date(2026, 12, 1), date(2026, 12, 31)),
    (date(2026, 1, 1), date(2026, 10, 31)),
    (date(2026, 11, 3), date(2026, 11, 30)),  # partial months: facts fill the edges
    (date(2026, 11, 1), date(2026, 11, 19)),
    (date(2026, 11, 10), date(2026, 11, 20)),
    (date(2026, 10, 27), date(2026, 12, 2)),
    (date(2026, 11, 18), date(2026, 12, 31)),
    (date(2026, 11, 30), date(2026, 11, 30)),
]


@pytest.fixture
def scenario(demo_org):
    return build_november(demo_org)


def _rows():
    rollups.write_pending()  # what this transaction queued is written at commit; write it now
    return {
        (r.scope, r.level, r.month, r.agency_id, r.procedure_code): tuple(
            getattr(r, c) for c in COUNTERS
        )
        for r in db.session.scalars(select(MonthlyRollup))
    }


def _same(query):
    by_facts = build_report(query, source="facts")
    by_rollups = build_report(query, source="rollups")
    assert by_rollups.total.cells == by_facts.total.cells
    assert by_rollups.total.indicators == by_facts.total.indicators
    assert [(r.key, r.cells, r.indicators) for r in by_rollups.rows] == [
        (r.key, r.cells, r.indicators) for r in by_facts.rows
    ]


@pytest.mark.parametrize("group_by", ["none", "agency", "procedure", "field"])
def test_rollups_answer_like_the_facts(scenario, group_by):
    """Does every whole-month report read from rollups equal the one counted from facts?"""
    for first, last in PERIODS:
        _same(ReportQuery(first=first, last=last, group_by=group_by))


def test_filters_on_rollups(scenario, demo_org):
    """Do agency, procedure and field filters give the same numbers on both paths?"""
    for kwargs in (
        dict(agency_id=demo_org.agency("UBND-HUYEN").id),
        dict(agency_id=demo_org.agency("CA").id, group_by="agency"),
        dict(procedure_code="1.001023", group_by="agency"),
        dict(field="Hộ tịch"),
    ):
        for first, last in PERIODS[::3]:
            _same(ReportQuery(first=first, last=last, **kwargs))


def test_incremental_rollups_equal_a_rebuild(scenario):
    """After changes and removals, are the incrementally kept rows exactly a fresh rebuild?"""
    d10, d04 = scenario.dossiers["D10"], scenario.dossiers["D04"]
    d10.status, d10.processed_at = "processed", d10.due_at.replace(day=27)
    refresh_fact(d10)
    d04.rating, d04.complaint = 4, False
    refresh_fact(d04)
    forget_fact(scenario.dossiers["D07"].id)
    kept = {k: v for k, v in _rows().items() if any(v)}
    rollups.rebuild(in_database=False)
    assert kept == _rows()
    rollups.rebuild()  # inside PostgreSQL when testing on it
    assert kept == {k: v for k, v in _rows().items() if any(v)}
    _same(ReportQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), group_by="agency"))


def test_which_path_answers(scenario):
    """Are reports by officer answered from the facts, and refused on rollups?"""
    partial = ReportQuery(first=date(2026, 11, 3), last=date(2026, 11, 30))
    assert uses_rollups(partial)
    cells = build_report(partial).total.cells
    assert (cells["carried_over"], cells["new_online"]) == (3, 4)  # D02 (2/11) is carried over
    by_officer = ReportQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), group_by="officer")
    assert not uses_rollups(by_officer)
    with pytest.raises(DomainError) as error:
        build_report(by_officer, source="rollups")
    assert error.value.field == "source"


def test_monthly_trend(scenario, demo_org):
    """Does the trend show each month's new, resolved and late-resolved dossiers?"""
    from onestop.domain.statistics.trend import monthly_trend

    points = monthly_trend(ReportQuery(first=date(2026, 10, 1), last=date(2026, 12, 31)))
    assert [(p.month, p.received, p.resolved, p.late) for p in points] == [
        ("2026-10", 4, 2, 0),
        ("2026-11", 10, 7, 3),
        ("2026-12", 1, 0, 0),
    ]
    commune = monthly_trend(
        ReportQuery(
            first=date(2026, 11, 1),
            last=date(2026, 11, 30),
            agency_id=demo_org.agency("XA-HOA-LAC").id,
        )
    )
    assert [(p.received, p.resolved) for p in commune] == [(0, 0)]


def test_rollup_changes_are_written_at_commit_and_dropped_on_rollback(scenario):
    """Does a commit write the queued rollup changes, and a rollback forget them?"""
    from sqlalchemy import func

    assert db.session.info.get(rollups.PENDING)
    db.session.commit()  # a savepoint inside the test's transaction
    assert not db.session.info.get(rollups.PENDING)
    assert db.session.scalar(select(func.count()).select_from(MonthlyRollup)) > 0
    d10 = scenario.dossiers["D10"]
    d10.status, d10.processed_at = "processed", d10.due_at
    refresh_fact(d10)
    assert db.session.info.get(rollups.PENDING)
    db.session.rollback()
    assert not db.session.info.get(rollups.PENDING)
    _same(ReportQuery(first=date(2026, 11, 1), last=date(2026, 11, 30), group_by="agency"))
