"""The core lifecycle: submission, receipt, processing, supplement, refusal, withdrawal, return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dossier_support import KHAI_SINH_FORM, T0, khai_sinh_parts, open_task
from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import verify_chain
from onestop.domain.audit.models import AuditEvent
from onestop.domain.dossiers import events, lifecycle
from onestop.domain.dossiers.access import calendar_of
from onestop.domain.workflow import runtime
from onestop.domain.workflow.models import Transition

H = timedelta(hours=1)


def test_online_submission_waits_for_the_check_within_eight_working_hours(submitted):
    """Is an online dossier `submitted` without a code, with a check due 8 working hours later?"""
    assert submitted.status == "submitted" and submitted.code is None
    assert submitted.check_due_at == T0 + timedelta(days=1)  # 09:00 next day
    assert [p.part_code for p in submitted.parts] == ["to_khai", "giay_chung_sinh"]
    assert submitted.parts[1].blob.media_type == "image/png"


def test_same_idempotency_key_returns_the_same_dossier(submitted, khai_sinh, citizen, demo_org):
    """Does repeating a submission with the same key create nothing new?"""
    again = lifecycle.submit_online(
        citizen,
        khai_sinh,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "key-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0 + H,
    )
    assert again.id == submitted.id


def test_receipt_issues_code_and_same_day_due_and_opens_the_desk_step(submitted, demo_org):
    """Does receipt give the code {eid}-{YYMMDD}-{seq}, the same-day due date and a desk task?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    assert submitted.code == "H99.30.01-261202-0001" and submitted.tracking_number == 1
    assert submitted.status == "received"
    assert submitted.due_at == T0 + 8 * H  # 17:00 the same day
    task = open_task(submitted, "receive")
    assert task.assignee_id == desk.id and task.unit.key == "MOT_CUA"


def test_receipt_after_the_cutoff_is_due_the_next_working_day(submitted, demo_org):
    """Does a receipt at 15:30 (cut-off 15:00) fall due at the end of the next working day?"""
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + 6.5 * H)
    assert submitted.due_at == T0 + 32 * H  # Thursday 17:00


def test_codes_count_per_agency_and_day(khai_sinh, citizen, demo_org):
    """Do two receipts the same day get 0001 and 0002, and another commune its own 0001?"""
    codes = []
    for n, key in enumerate(["XA-AN-BINH", "XA-AN-BINH", "XA-HOA-LAC"]):
        dossier = lifecycle.submit_online(
            citizen,
            khai_sinh,
            KHAI_SINH_FORM,
            khai_sinh_parts(),
            f"k{n}",
            agency_id=demo_org.agency(key).id,
            at=T0,
        )
        officer = demo_org.user("motcua.anbinh" if key == "XA-AN-BINH" else "motcua.hoalac")
        codes.append(lifecycle.receive(dossier, officer, T0 + H).code)
    assert codes == ["H99.30.01-261202-0001", "H99.30.01-261202-0002", "H99.30.02-261202-0001"]


def test_a_citizen_cannot_receive(submitted, citizen):
    """Is receipt refused to someone who is not a receiver of the agency?"""
    with pytest.raises(Forbidden):
        lifecycle.receive(submitted, citizen, T0 + H)


def walk_to_return(dossier, demo_org, start=T0 + H):
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    chairman = demo_org.user("chutich.anbinh")
    lifecycle.receive(dossier, desk, start)
    runtime.act(open_task(dossier, "receive"), desk, "submit", at=start + 0.25 * H)
    runtime.act(open_task(dossier, "appraise"), clerk, "submit", at=start + 2 * H)
    runtime.act(open_task(dossier, "decide"), chairman, "approve", at=start + 3 * H)
    return desk


def test_full_walk_records_transitions_audits_and_events(submitted, demo_org):
    """Does a dossier go receive → appraise → decide → return with one transition per move?"""
    seen = []
    handler = events.on("processed")(lambda dossier, **kw: seen.append(dossier.code))
    try:
        desk = walk_to_return(submitted, demo_org)
    finally:
        events._handlers["processed"].remove(handler)
    assert submitted.status == "processed" and seen == [submitted.code]
    assert submitted.processed_at == T0 + 4 * H
    lifecycle.hand_over(submitted, desk, "desk", T0 + 5 * H)
    assert submitted.status == "returned" and submitted.returned_at == T0 + 5 * H
    moves = [(t.from_step, t.action, t.to_steps) for t in submitted_transitions(submitted)]
    assert moves == [
        ("receive", "submit", ["appraise"]),
        ("appraise", "submit", ["decide"]),
        ("decide", "approve", ["return"]),
        ("return", "hand_over", ["@returned"]),
    ]
    actions = [
        e.action
        for e in AuditEvent.query.order_by(AuditEvent.id)
        if e.subject == f"dossier:{submitted.code}"
    ]
    assert actions[:2] == ["dossier:receive", "dossier:task:submit"]
    assert "dossier:processed" in actions and actions[-1] == "dossier:return"
    assert verify_chain().intact
    lifecycle.rate(submitted, submitted.applicant, 5, "nhanh", at=T0 + 6 * H)
    assert submitted.rating == 5


def submitted_transitions(dossier):
    from onestop.extensions import db

    return list(
        db.session.scalars(
            select(Transition).where(Transition.dossier_id == dossier.id).order_by(Transition.id)
        )
    )


def test_step_result_is_classified_against_its_own_budget(submitted, demo_org):
    """Is a step finished after its budget classified late, and one inside it on time?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0)
    task = open_task(submitted, "receive")
    runtime.act(task, desk, "submit", at=T0 + 2 * H)  # budget 30m
    assert task.result == "late"
    clerk = demo_org.user("hotich.anbinh")
    appraise = open_task(submitted, "appraise")
    runtime.act(appraise, clerk, "submit", at=T0 + 3 * H)
    assert appraise.result == "on_time"


def test_wrong_role_cannot_act_and_unknown_action_is_named(submitted, demo_org):
    """Is an officer of another unit refused, and an unknown action rejected by name?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 2 * H)
    task = open_task(submitted, "appraise")
    with pytest.raises(Forbidden):
        runtime.act(task, desk, "submit", at=T0 + 3 * H)
    with pytest.raises(DomainError, match="approve"):
        runtime.act(task, demo_org.user("hotich.anbinh"), "approve", at=T0 + 3 * H)


def test_send_back_reopens_the_earlier_step(submitted, demo_org):
    """Does 'back' from the decision reopen appraisal?"""
    walk = [
        ("receive", "motcua.anbinh", "submit"),
        ("appraise", "hotich.anbinh", "submit"),
        ("decide", "chutich.anbinh", "back"),
    ]
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + H)
    for n, (step, user, action) in enumerate(walk):
        runtime.act(open_task(submitted, step), demo_org.user(user), action, at=T0 + (2 + n) * H)
    assert open_task(submitted, "appraise").state == "open"


def test_deny_needs_a_reason_and_refuses(submitted, demo_org):
    """Is a denial without a reason rejected, and with one the dossier refused with it?"""
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + H)
    runtime.act(
        open_task(submitted, "receive"), demo_org.user("motcua.anbinh"), "submit", at=T0 + 2 * H
    )
    task = open_task(submitted, "appraise")
    clerk = demo_org.user("hotich.anbinh")
    with pytest.raises(DomainError) as err:
        runtime.act(task, clerk, "deny", at=T0 + 3 * H)
    assert err.value.field == "comment"
    runtime.act(task, clerk, "deny", "Trẻ không sinh trên địa bàn xã", at=T0 + 3 * H)
    assert submitted.status == "refused"
    assert submitted.outcome_reason == "Trẻ không sinh trên địa bàn xã"
    assert runtime.open_tasks(submitted) == []


def test_refusal_at_the_desk_before_receipt(submitted, demo_org):
    """Can the desk refuse an online dossier (form 03) without issuing a code?"""
    lifecycle.refuse(submitted, demo_org.user("motcua.anbinh"), "Không thuộc thẩm quyền", T0 + H)
    assert submitted.status == "refused" and submitted.code is None


def test_supplement_pauses_the_clock_and_resumes_at_the_asking_step(submitted, demo_org):
    """Does a supplement move the due date by the waiting time and resume at the asking step?"""
    desk, clerk = demo_org.user("motcua.anbinh"), demo_org.user("hotich.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 2 * H)
    due = submitted.due_at
    lifecycle.request_supplement(
        submitted, clerk, "Giấy chứng sinh mờ", ["giay_chung_sinh"], at=T0 + 3 * H
    )
    assert submitted.status == "supplement_requested"
    with pytest.raises(DomainError):
        runtime.act(open_task(submitted, "appraise"), clerk, "submit", at=T0 + 4 * H)
    lifecycle.complete_supplement(
        submitted, submitted.applicant, khai_sinh_parts()[1:], at=T0 + 5 * H
    )  # 14:00: 60 working minutes paused
    assert submitted.status == "processing"
    assert submitted.paused_minutes == 60
    assert submitted.due_at == calendar_of(None).add_minutes(due, 60)
    runtime.act(open_task(submitted, "appraise"), clerk, "submit", at=T0 + 6 * H)


def test_second_supplement_is_refused_unless_acknowledged_and_then_counts_late(submitted, demo_org):
    """Is a second supplement request refused by default, and allowed only as counting late?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.request_supplement(submitted, desk, "Thiếu tờ khai", ["to_khai"], at=T0 + H)
    lifecycle.complete_supplement(
        submitted, submitted.applicant, khai_sinh_parts()[:1], at=T0 + 2 * H
    )
    assert submitted.status == "submitted"
    with pytest.raises(DomainError) as err:
        lifecycle.request_supplement(submitted, desk, "Lại thiếu", ["to_khai"], at=T0 + 3 * H)
    assert err.value.field == "acknowledge_late"
    lifecycle.request_supplement(
        submitted, desk, "Lại thiếu", ["to_khai"], at=T0 + 3 * H, acknowledge_late=True
    )
    assert submitted.supplement_count == 2 and submitted.late_by_supplement


def test_withdrawal_before_receipt_cancels_and_after_receipt_withdraws(
    submitted, demo_org, khai_sinh, citizen
):
    """Is an unreceived dossier cancelled, and a received one withdrawn with its tasks closed?"""
    lifecycle.withdraw(submitted, citizen, "Nộp nhầm", T0 + H)
    assert submitted.status == "cancelled"
    other = lifecycle.submit_online(
        citizen,
        khai_sinh,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        "k2",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )
    lifecycle.receive(other, demo_org.user("motcua.anbinh"), T0 + H)
    lifecycle.withdraw(other, citizen, "Không còn nhu cầu", T0 + 2 * H)
    assert other.status == "withdrawn" and runtime.open_tasks(other) == []
    with pytest.raises(DomainError):
        lifecycle.withdraw(other, citizen, "again", T0 + 3 * H)


def test_apology_sets_the_new_date_only_once(submitted, demo_org):
    """Can the late unit set a new date once, and is a second attempt a conflict?"""
    lifecycle.receive(submitted, demo_org.user("motcua.anbinh"), T0 + H)
    chairman = demo_org.user("chutich.anbinh")
    desk = demo_org.user("motcua.anbinh")
    new = submitted.due_at + timedelta(days=1)
    lifecycle.apologise(submitted, desk, "Hệ thống lỗi", new, T0 + 2 * H)
    assert submitted.due_at == new and submitted.original_due_at < new
    with pytest.raises(Conflict):
        lifecycle.apologise(submitted, chairman, "again", new + timedelta(days=1), T0 + 3 * H)


def test_concurrent_claim_loser_gets_a_conflict(submitted, demo_org):
    """Does acting on a task that is already done give a 409 Conflict?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    task = open_task(submitted, "receive")
    runtime.act(task, desk, "submit", at=T0 + 2 * H)
    with pytest.raises(Conflict) as err:
        runtime.act(task, desk, "submit", at=T0 + 2 * H)
    assert err.value.status == 409


def test_form_and_parts_are_checked(khai_sinh, citizen, demo_org):
    """Are a missing required field, a missing part and a wrong file type each named?"""
    from onestop.domain.dossiers.attachments import Upload

    agency = demo_org.agency("XA-AN-BINH").id
    bad_form = {k: v for k, v in KHAI_SINH_FORM.items() if k != "mother_name"}
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(
            citizen, khai_sinh, bad_form, khai_sinh_parts(), "a", agency_id=agency
        )
    assert err.value.field == "mother_name"
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(
            citizen, khai_sinh, KHAI_SINH_FORM, khai_sinh_parts()[:1], "b", agency_id=agency
        )
    assert err.value.field == "giay_chung_sinh"
    parts = [Upload("to_khai", b"plain text, not a pdf", "../../etc/passwd"), khai_sinh_parts()[1]]
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(citizen, khai_sinh, KHAI_SINH_FORM, parts, "c", agency_id=agency)
    assert err.value.field == "to_khai" and "text/plain" in err.value.message


def test_suspension_stops_the_clock_until_resumed(submitted, demo_org):
    """Does an agreed suspension move the due date by the suspended working time?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 2 * H)
    clerk = demo_org.user("hotich.anbinh")
    due = submitted.due_at
    lifecycle.suspend(submitted, clerk, "Chờ xác minh", T0 + 3 * H)
    assert submitted.status == "suspended"
    with pytest.raises(DomainError):
        runtime.act(open_task(submitted, "appraise"), clerk, "submit", at=T0 + 4 * H)
    lifecycle.resume(submitted, clerk, T0 + 5 * H)
    assert submitted.status == "processing" and submitted.paused_minutes == 60
    assert submitted.due_at == calendar_of(None).add_minutes(due, 60)


def test_every_verb_announces_its_event(submitted, demo_org):
    """Do the verbs emit received, supplement, step_done, processed and returned in order?"""
    seen = []
    names = [
        "received",
        "supplement_requested",
        "supplement_completed",
        "step_done",
        "processed",
        "returned",
        "rated",
    ]
    handlers = {n: events.on(n)(lambda d, _n=n, **kw: seen.append(_n)) for n in names}
    try:
        desk = demo_org.user("motcua.anbinh")
        lifecycle.receive(submitted, desk, T0 + H)
        lifecycle.request_supplement(submitted, desk, "Thiếu", ["to_khai"], at=T0 + 2 * H)
        lifecycle.complete_supplement(
            submitted, submitted.applicant, khai_sinh_parts()[:1], at=T0 + 3 * H
        )
        walk = [
            ("receive", "motcua.anbinh", "submit"),
            ("appraise", "hotich.anbinh", "submit"),
            ("decide", "chutich.anbinh", "approve"),
        ]
        for n, (step, user, action) in enumerate(walk):
            runtime.act(
                open_task(submitted, step), demo_org.user(user), action, at=T0 + (4 + n) * H
            )
        lifecycle.hand_over(submitted, desk, "post", T0 + 8 * H)
        lifecycle.rate(submitted, submitted.applicant, 4, at=T0 + 9 * H)
    finally:
        for name, handler in handlers.items():
            events._handlers[name].remove(handler)
    assert seen == [
        "received",
        "supplement_requested",
        "supplement_completed",
        "step_done",
        "step_done",
        "processed",
        "step_done",
        "returned",
        "step_done",
        "rated",
    ]
    assert submitted.return_method == "post"


def test_supplement_right_after_receipt_returns_to_received(submitted, demo_org):
    """Does a supplement asked by the desk right after receipt come back to `received`?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    lifecycle.request_supplement(submitted, desk, "Thiếu bản chính", ["to_khai"], at=T0 + 2 * H)
    lifecycle.complete_supplement(
        submitted, submitted.applicant, khai_sinh_parts()[:1], at=T0 + 3 * H
    )
    assert submitted.status == "received"
    runtime.act(open_task(submitted, "receive"), desk, "submit", at=T0 + 4 * H)
    assert submitted.status == "processing"
