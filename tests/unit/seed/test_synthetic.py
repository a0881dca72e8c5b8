"""The synthetic province: consistent rows, facts equal to what statistics computes, safe codes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from onestop.domain.dossiers.models import Dossier, DossierCodeSequence, Pause
from onestop.domain.statistics.facts import refresh_fact
from onestop.domain.statistics.models import AgencyPartFact, DossierFact, MonthlyRollup
from onestop.domain.workflow.models import Task, Transition
from onestop.seed.synthetic.generate import generate

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
FACT_COLUMNS = (
    "agency_id",
    "procedure_code",
    "channel",
    "received_at",
    "due_at",
    "late_since",
    "processed_at",
    "returned_at",
    "ended_at",
    "outcome",
    "classification",
    "supplement_count",
    "paused_minutes",
    "working_minutes",
    "electronic_result",
    "rating",
    "complaint",
)


@pytest.fixture
def province(db, demo_org, frozen_clock):
    from onestop.domain.procedures.publish import seed_workflows

    frozen_clock(NOW)
    seed_workflows()
    db.session.flush()
    written = generate(400, seed=7, now=NOW)
    return written


def test_rows_written_and_mixed(db, province):
    """Are the dossiers, tasks and facts there, with a realistic spread of states and channels?"""
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 400
    assert province["dossiers"] == 400 and province["tasks"] > 400 * 3
    statuses = Counter(db.session.scalars(select(Dossier.status)))
    assert statuses["returned"] > 250
    assert statuses["refused"] + statuses["withdrawn"] > 0
    assert (
        sum(
            statuses[s]
            for s in ("received", "processing", "supplement_requested", "suspended", "processed")
        )
        > 0
    )
    channels = Counter(db.session.scalars(select(Dossier.channel)))
    assert set(channels) >= {"online", "desk"}
    assert db.session.scalar(select(func.count()).select_from(Pause)) > 10
    open_tasks = db.session.scalar(select(func.count()).where(Task.state == "open"))
    assert open_tasks > 0
    assert db.session.scalar(select(func.count()).select_from(Transition)) == (
        db.session.scalar(select(func.count()).where(Task.state == "done"))
    )
    received = db.session.scalar(select(func.count()).where(Dossier.received_at.is_not(None)))
    assert db.session.scalar(select(func.count()).select_from(DossierFact)) == received
    assert db.session.scalar(select(func.count()).select_from(AgencyPartFact)) >= received
    assert (
        province["statistics_monthly"]
        == db.session.scalar(select(func.count()).select_from(MonthlyRollup))
        > 0
    )


def test_dossiers_received_before_now_and_late_share_plausible(db, province):
    """Do all receipts lie in the two years before now, with a minority of late ones?"""
    first, last = db.session.execute(
        select(func.min(Dossier.received_at), func.max(Dossier.received_at))
    ).one()
    assert (NOW - first).days <= 731 and last <= NOW
    classes = Counter(
        db.session.scalars(
            select(DossierFact.classification).where(DossierFact.classification.is_not(None))
        )
    )
    assert 0 < classes["late"] < 0.25 * sum(classes.values())


def test_facts_match_what_statistics_computes(db, province):
    """Does refreshing a dossier's facts with the statistics code change nothing?"""
    sample = db.session.scalars(
        select(Dossier).where(Dossier.received_at.is_not(None)).order_by(Dossier.id)
    ).all()
    for dossier in sample[::7]:
        before = db.session.scalar(select(DossierFact).where(DossierFact.dossier_id == dossier.id))
        expected = {c: getattr(before, c) for c in FACT_COLUMNS}
        parts_before = {
            p.agency_id: (p.ended_at, p.classification, p.working_minutes)
            for p in db.session.scalars(
                select(AgencyPartFact).where(AgencyPartFact.dossier_id == dossier.id)
            )
        }
        db.session.expire_all()
        after = refresh_fact(dossier)
        assert {c: getattr(after, c) for c in FACT_COLUMNS} == expected, dossier.code
        parts_after = {
            p.agency_id: (p.ended_at, p.classification, p.working_minutes)
            for p in db.session.scalars(
                select(AgencyPartFact).where(AgencyPartFact.dossier_id == dossier.id)
            )
        }
        assert parts_after == parts_before, dossier.code


def test_code_counters_are_past_the_synthetic_codes(db, province):
    """Would the next receipt at an agency on a busy day get a code not yet issued?"""
    codes = list(db.session.scalars(select(Dossier.code).where(Dossier.code.is_not(None))))
    assert len(codes) == len(set(codes))
    highest = Counter()
    for code in codes:
        prefix, day, number = code.rsplit("-", 2)
        highest[(prefix, day)] = max(highest[(prefix, day)], int(number))
    counters = {
        (s.agency_id, s.day): s.last_value for s in db.session.scalars(select(DossierCodeSequence))
    }
    assert sorted(counters.values()) == sorted(highest.values())


def test_rejects_an_empty_run(db):
    """Is asking for no dossiers refused with a clear message?"""
    with pytest.raises(ValueError, match="--dossiers"):
        generate(0)
