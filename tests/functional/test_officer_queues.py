"""Queues: which tasks an officer sees, marks, filters, counts, pages and the query count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.domain.workflow.runtime import open_tasks
from onestop.web.officer import worklist
from tests.functional.officer_support import T0, count_queries, publish_khai_sinh, receive, submit


@pytest.fixture
def khai_sinh(demo_org):
    return publish_khai_sinh()


@pytest.fixture
def received(khai_sinh, demo_org, frozen_clock):
    """Three birth registrations received at An Bình, waiting at the civil-status step."""
    from onestop.domain.workflow.runtime import act

    frozen_clock(T0)
    desk = demo_org.user("motcua.anbinh")
    citizen = demo_org.user("001090001234")
    dossiers = []
    for n in range(3):
        dossier = receive(submit(khai_sinh, citizen, demo_org.agency("XA-AN-BINH"), f"k{n}"), desk)
        act(open_tasks(dossier)[0], desk, "submit", at=T0 + timedelta(minutes=n))
        dossiers.append(dossier)
    return dossiers


def test_the_civil_status_officer_sees_the_unit_tasks_soonest_first(received, demo_org):
    """Does the unit queue hold the three appraisals in due order, unclaimed?"""
    officer = demo_org.user("hotich.anbinh")
    page = worklist.page(officer, view="unit", at=T0 + timedelta(minutes=5))
    assert [r.dossier.id for r in page.rows] == [d.id for d in received]
    assert all(r.task.step_id == "appraise" and r.on_behalf is None for r in page.rows)
    assert page.counts["unit"] == 3 and page.counts["mine"] == 0 and page.counts["all"] == 3


def test_marks_due_soon_and_overdue(received, demo_org):
    """Is a task due within the warning window marked due soon, and one past due overdue?"""
    officer = demo_org.user("hotich.anbinh")
    soon = worklist.page(officer, at=T0 + timedelta(minutes=10))
    assert all(r.due_soon and not r.overdue for r in soon.rows)
    late = worklist.page(officer, at=T0 + timedelta(hours=6))
    assert all(r.overdue and r.mark == "overdue" for r in late.rows)
    assert late.counts["overdue"] == 3
    assert len(worklist.page(officer, view="overdue", at=T0 + timedelta(minutes=10)).rows) == 0


def test_keyset_pages_cover_every_task_once(received, demo_org):
    """Do pages of one follow each other without repeats or gaps?"""
    officer = demo_org.user("hotich.anbinh")
    seen, cursor = [], None
    for _ in range(5):
        page = worklist.page(officer, limit=1, after=cursor, at=T0)
        seen += [r.task.id for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(seen, key=seen.index) and len(seen) == len(set(seen)) == 3


def test_filters_by_procedure_and_status(received, demo_org):
    officer = demo_org.user("hotich.anbinh")
    assert len(worklist.page(officer, procedure="1.001193", at=T0).rows) == 3
    assert worklist.page(officer, procedure="9.999999", at=T0).rows == []
    assert len(worklist.page(officer, status="processing", at=T0).rows) == 3
    assert worklist.page(officer, status="returned", at=T0).rows == []


def test_a_bad_cursor_or_view_is_refused_by_name(demo_org):
    from onestop.domain import DomainError

    officer = demo_org.user("hotich.anbinh")
    with pytest.raises(DomainError) as bad:
        worklist.page(officer, after="not-a-cursor", at=T0)
    assert bad.value.field == "after"
    with pytest.raises(DomainError) as view:
        worklist.page(officer, view="everything", at=T0)
    assert view.value.field == "view"


def test_another_communes_officer_sees_nothing(received, demo_org):
    page = worklist.page(demo_org.user("hotich.hoalac"), at=T0)
    assert page.rows == [] and page.counts["all"] == 0


def test_the_queue_page_runs_a_fixed_number_of_queries(
    client, login_as, received, demo_org, khai_sinh
):
    """Does the page cost the same number of queries with 3 tasks as with 9?"""
    from onestop.domain.workflow.runtime import act

    login_as("hotich.anbinh")
    client.get("/can-bo/viec")  # warm caches (calendar, user)
    with count_queries() as few:
        response = client.get("/can-bo/viec")
    assert response.status_code == 200
    desk = demo_org.user("motcua.anbinh")
    citizen = demo_org.user("001090001234")
    for n in range(6):
        dossier = receive(submit(khai_sinh, citizen, demo_org.agency("XA-AN-BINH"), f"m{n}"), desk)
        act(open_tasks(dossier)[0], desk, "submit", at=T0)
    with count_queries() as many:
        response = client.get("/can-bo/viec")
    body = response.get_data(as_text=True)
    assert body.count("data-task=") == 9
    assert len(many) == len(few), many
    assert len(few) <= 8, few  # user, positions, capacities (2), page, counts
