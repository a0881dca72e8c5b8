"""The desk: paper dossiers registered and received at once; hand-over; ratings; apologies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dossier_support import KHAI_SINH_FORM, T0, khai_sinh_parts, open_task

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.dossiers import lifecycle
from onestop.domain.workflow import runtime

H = timedelta(hours=1)


def test_paper_dossier_is_registered_and_received_at_once(khai_sinh, citizen, demo_org):
    """Does a dossier brought to the desk get its code at once, on the desk channel?"""
    desk = demo_org.user("motcua.hoalac")
    dossier = lifecycle.register_at_desk(
        desk,
        khai_sinh,
        citizen,
        KHAI_SINH_FORM,
        khai_sinh_parts(),
        agency_id=demo_org.agency("XA-HOA-LAC").id,
        at=T0,
    )
    assert dossier.channel == "desk" and dossier.status == "received"
    assert dossier.code == "H99.30.02-261202-0001" and dossier.received_by_id == desk.id
    assert open_task(dossier, "receive").assignee_id == desk.id


def test_desk_of_another_commune_cannot_receive(submitted, demo_org):
    """Is the Hòa Lạc desk refused a dossier submitted to An Bình?"""
    with pytest.raises(Forbidden):
        lifecycle.receive(submitted, demo_org.user("motcua.hoalac"), T0 + H)


def test_receiving_twice_is_a_conflict(submitted, demo_org):
    """Is a second receipt of the same dossier a 409 conflict?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    with pytest.raises(Conflict):
        lifecycle.receive(submitted, desk, T0 + H)


def test_submission_rules(khai_sinh, citizen, demo_org):
    """Are an officer submitting online, a missing key, a wrong agency and method refused?"""
    agency = demo_org.agency("XA-AN-BINH").id
    with pytest.raises(Forbidden):
        lifecycle.submit_online(
            demo_org.user("motcua.anbinh"),
            khai_sinh,
            KHAI_SINH_FORM,
            khai_sinh_parts(),
            "k",
            agency_id=agency,
        )
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(
            citizen, khai_sinh, KHAI_SINH_FORM, khai_sinh_parts(), " ", agency_id=agency
        )
    assert err.value.field == "idempotency_key"
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(
            citizen,
            khai_sinh,
            KHAI_SINH_FORM,
            khai_sinh_parts(),
            "k",
            agency_id=demo_org.agency("SNV").id,
        )
    assert err.value.field == "agency"
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(citizen, khai_sinh, KHAI_SINH_FORM, khai_sinh_parts(), "k")
    assert err.value.field == "agency"  # two communes receive it: the applicant must choose
    with pytest.raises(DomainError) as err:
        lifecycle.submit_online(
            citizen,
            khai_sinh,
            KHAI_SINH_FORM,
            khai_sinh_parts(),
            "k",
            agency_id=agency,
            return_method="drone",
        )
    assert err.value.field == "return_method"


def test_rating_only_by_the_applicant_once_finished(submitted, demo_org, citizen):
    """Can only the applicant rate, only a finished dossier, only once, with 1 to 5 stars?"""
    with pytest.raises(DomainError):
        lifecycle.rate(submitted, citizen, 5)
    lifecycle.refuse(submitted, demo_org.user("motcua.anbinh"), "Sai thẩm quyền", T0 + H)
    with pytest.raises(Forbidden):
        lifecycle.rate(submitted, demo_org.user("001085005678"), 5)
    with pytest.raises(DomainError):
        lifecycle.rate(submitted, citizen, 6)
    lifecycle.rate(submitted, citizen, 1, "Chậm", complaint=True)
    assert submitted.complaint
    with pytest.raises(Conflict):
        lifecycle.rate(submitted, citizen, 2)


def test_hand_over_needs_a_processed_dossier_and_a_known_method(submitted, demo_org):
    """Is hand-over refused before the result and with an unknown method?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    with pytest.raises(DomainError) as err:
        lifecycle.hand_over(submitted, desk, "desk", T0 + 2 * H)
    assert err.value.field == "status"
    with pytest.raises(DomainError) as err:
        lifecycle.hand_over(submitted, desk, "pigeon", T0 + 2 * H)
    assert err.value.field == "method"


def test_apology_rules(submitted, demo_org):
    """Are an earlier new date, a missing reason and an applicant's apology refused?"""
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    with pytest.raises(DomainError) as err:
        lifecycle.apologise(submitted, desk, "x", submitted.due_at - H, T0 + 2 * H)
    assert err.value.field == "new_due_at"
    with pytest.raises(DomainError) as err:
        lifecycle.apologise(submitted, desk, " ", submitted.due_at + H, T0 + 2 * H)
    assert err.value.field == "reason"
    with pytest.raises(Forbidden):
        lifecycle.apologise(submitted, submitted.applicant, "x", submitted.due_at + H, T0 + 2 * H)


def test_withdrawal_is_only_for_the_applicant_and_before_the_decision(submitted, demo_org):
    """Is withdrawal by someone else, or after the result, refused?"""
    with pytest.raises(Forbidden):
        lifecycle.withdraw(submitted, demo_org.user("001085005678"), "x", T0 + H)
    desk = demo_org.user("motcua.anbinh")
    lifecycle.receive(submitted, desk, T0 + H)
    walk = [
        ("receive", "motcua.anbinh", "submit"),
        ("appraise", "hotich.anbinh", "submit"),
        ("decide", "chutich.anbinh", "approve"),
    ]
    for n, (step, user, action) in enumerate(walk):
        runtime.act(open_task(submitted, step), demo_org.user(user), action, at=T0 + (2 + n) * H)
    with pytest.raises(DomainError):
        lifecycle.withdraw(submitted, submitted.applicant, "muộn rồi", T0 + 6 * H)
