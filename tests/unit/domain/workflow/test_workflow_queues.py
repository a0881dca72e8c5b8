"""Queues: officers see their group's open tasks, their own, and what a delegation gives them."""

from __future__ import annotations

from datetime import date, timedelta

from dossier_support import T0, open_task

from onestop.domain.dossiers import lifecycle
from onestop.domain.workflow import queues, runtime

H = timedelta(hours=1)


def test_group_queue_and_assigned_tasks(submitted, demo_org):
    """Does the clerk see the appraisal in the group queue, and not the desk's or chairman's?"""
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    assert [e.task.step_id for e in queues.my_tasks(desk, T0 + H)] == ["receive"]
    assert queues.my_tasks(clerk, T0 + H) == []
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 2 * H)
    entries = queues.my_tasks(clerk, T0 + 2 * H)
    assert [e.task.step_id for e in entries] == ["appraise"]
    assert entries[0].on_behalf is None and entries[0].due_soon and not entries[0].overdue
    assert queues.my_tasks(demo_org.user("hotich.hoalac"), T0 + 2 * H) == []
    assert queues.my_tasks(clerk, T0 + 9 * H)[0].overdue


def test_delegated_authority_shows_in_the_delegates_queue(submitted, demo_org):
    """Does a TUQ delegation put the chairman's decision in the vice-chairman's queue, labelled?"""
    from onestop.domain.delegation.operations import delegate_authority

    delegate_authority(
        demo_org.user("admin"),
        kind="TUQ",
        delegator_position=demo_org.position("XA-AN-BINH", "chairman"),
        delegate_user=demo_org.user("motcua.anbinh"),
        procedure_codes=["1.001193"],
        basis_number="3/QĐ-UBND",
        basis_date=date(2026, 11, 1),
        valid_from=T0 - 24 * H,
        valid_to=T0 + 240 * H,
        at=T0 - 24 * H,
    )
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 2 * H)
    runtime.act(open_task(submitted, "appraise"), clerk, "submit", at=T0 + 3 * H)
    entries = [e for e in queues.my_tasks(desk, T0 + 3 * H) if e.task.step_id == "decide"]
    assert len(entries) == 1 and entries[0].on_behalf.startswith("TUQ. Chủ tịch")
    assert [t.step_id for t in queues.unit_tasks(demo_org.agency("XA-AN-BINH").id)] == ["decide"]
