"""The task page over HTTP: allowed actions, claim, act, signing on behalf, conflicts, pauses."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from onestop.domain.dossiers.models import Extension
from onestop.domain.org.models import PositionHolding, User
from onestop.domain.workflow.runtime import act, open_tasks
from onestop.extensions import db
from tests.functional.officer_support import T0, publish_khai_sinh, receive, submit


@pytest.fixture
def appraise(demo_org, frozen_clock):
    """A birth registration received at An Bình and sent on to the civil-status officer."""
    frozen_clock(T0 + timedelta(minutes=10))
    version = publish_khai_sinh()
    desk = demo_org.user("motcua.anbinh")
    dossier = receive(
        submit(version, demo_org.user("001090001234"), demo_org.agency("XA-AN-BINH")), desk
    )
    act(open_tasks(dossier)[0], desk, "submit", at=T0)
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return open_tasks(dossier)[0]


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="([a-z_]+)"', html))


def test_the_officer_sees_only_the_actions_of_their_step(client, login_as, appraise):
    login_as("hotich.anbinh")
    page = client.get(f"/can-bo/nhiem-vu/{appraise.id}").get_data(as_text=True)
    assert _buttons(page) == {"submit", "back", "deny"}
    assert 'id="claim"' in page and "Nguyễn An Khang" in page
    login_as("chutich.anbinh")
    page = client.get(f"/can-bo/nhiem-vu/{appraise.id}").get_data(as_text=True)
    assert _buttons(page) == set() and 'id="why-not"' in page


def test_an_officer_of_another_commune_gets_a_404(client, login_as, appraise):
    login_as("hotich.hoalac")
    assert client.get(f"/can-bo/nhiem-vu/{appraise.id}").status_code == 404
    response = client.post(f"/can-bo/nhiem-vu/{appraise.id}/xu-ly", data={"action": "submit"})
    assert response.status_code == 404 and "Nguyễn An Khang" not in response.get_data(as_text=True)
    assert client.get(f"/api/v1/officer/tasks/{appraise.id}").status_code == 404


def test_claim_then_submit_moves_the_dossier_on(client, login_as, appraise):
    login_as("hotich.anbinh")
    assert (
        client.post(
            f"/can-bo/nhiem-vu/{appraise.id}/nhan", data={"version": appraise.version}
        ).status_code
        == 302
    )
    db.session.refresh(appraise)
    assert appraise.assignee.username == "hotich.anbinh"
    response = client.post(
        f"/can-bo/nhiem-vu/{appraise.id}/xu-ly",
        data={"action": "submit", "comment": "Đủ điều kiện", "version": appraise.version},
    )
    assert response.status_code == 302
    db.session.refresh(appraise)
    assert appraise.state == "done" and appraise.outcome == "submit"
    assert open_tasks(appraise.dossier)[0].step_id == "decide"


def test_deny_without_a_reason_is_refused_next_to_the_comment(client, login_as, appraise):
    login_as("hotich.anbinh")
    response = client.post(f"/can-bo/nhiem-vu/{appraise.id}/xu-ly", data={"action": "deny"})
    assert response.status_code == 400
    assert 'id="error-comment"' in response.get_data(as_text=True)


def test_the_second_of_two_officers_gets_a_conflict_and_keeps_the_comment(
    client, login_as, appraise, demo_org
):
    """Two civil-status officers open the same task; the later submit is refused with 409."""
    second = User(
        username="hotich2.anbinh",
        kind="officer",
        full_name="Phí Thị Hằng",
        password_hash=demo_org.user("hotich.anbinh").password_hash,
    )
    db.session.add(second)
    db.session.flush()
    db.session.add(
        PositionHolding(
            user_id=second.id,
            starts_at=T0 - timedelta(days=30),
            position_id=demo_org.position("XA-AN-BINH", "civil_status").id,
        )
    )
    db.session.commit()
    version = appraise.version
    login_as("hotich.anbinh")
    first = client.post(
        f"/can-bo/nhiem-vu/{appraise.id}/xu-ly",
        data={"action": "submit", "comment": "Tôi xử lý", "version": version},
    )
    assert first.status_code == 302
    login_as("hotich2.anbinh")
    late = client.post(
        f"/can-bo/nhiem-vu/{appraise.id}/xu-ly",
        data={"action": "back", "comment": "Thiếu chữ ký của người mẹ", "version": version},
    )
    body = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "Thiếu chữ ký của người mẹ" in body and 'id="error-summary"' in body
    db.session.refresh(appraise)
    assert appraise.outcome == "submit"


def _to_decision(client, login_as, appraise):
    login_as("hotich.anbinh")
    client.post(f"/can-bo/nhiem-vu/{appraise.id}/xu-ly", data={"action": "submit"})
    return open_tasks(appraise.dossier)[0]


def test_the_chairman_sees_the_signature_block_and_approves(client, login_as, appraise):
    decide = _to_decision(client, login_as, appraise)
    login_as("chutich.anbinh")
    page = client.get(f"/can-bo/nhiem-vu/{decide.id}").get_data(as_text=True)
    assert 'id="signature-preview"' in page and "<strong>CHỦ TỊCH</strong>" in page
    assert "Nghiêm Văn Tú" in page
    response = client.post(
        f"/can-bo/nhiem-vu/{decide.id}/xu-ly", data={"action": "approve", "version": decide.version}
    )
    assert response.status_code == 302
    db.session.refresh(appraise.dossier)
    assert appraise.dossier.status == "processed"


@pytest.fixture
def kt_vice_chairman(demo_org):
    """The An Bình chairman assigns the vice chairman to sign for him in civil status (KT.)."""
    from onestop.domain.delegation.operations import delegate_authority

    delegation = delegate_authority(
        demo_org.user("admin"),
        kind="KT",
        delegator_position=demo_org.position("XA-AN-BINH", "chairman"),
        delegate_position=demo_org.position("XA-AN-BINH", "vice_chairman"),
        fields=["Hộ tịch"],
        basis_number="09/QĐ-UBND",
        basis_date=date(2026, 11, 2),
        valid_from=date(2026, 11, 2),
        valid_to=date(2027, 12, 31),
        at=T0 - timedelta(days=30),
    )
    db.session.commit()
    return delegation


def test_the_vice_chairman_approves_on_behalf_with_the_kt_line(
    client, login_as, appraise, kt_vice_chairman
):
    decide = _to_decision(client, login_as, appraise)
    login_as("phochutich.anbinh")
    queue = client.get("/can-bo/viec?view=delegated").get_data(as_text=True)
    assert f'data-task="{decide.id}"' in queue and "Thay mặt: KT. Chủ tịch" in queue
    page = client.get(f"/can-bo/nhiem-vu/{decide.id}").get_data(as_text=True)
    assert "KT. CHỦ TỊCH" in page and "PHÓ CHỦ TỊCH" in page and "Giáp Thị Hoa" in page
    assert "09/QĐ-UBND" in page
    response = client.post(
        f"/can-bo/nhiem-vu/{decide.id}/xu-ly", data={"action": "approve", "version": decide.version}
    )
    assert response.status_code == 302
    db.session.refresh(decide)
    assert decide.state == "done"
    from onestop.domain.workflow.models import Transition

    move = db.session.query(Transition).filter_by(task_id=decide.id).one()
    assert move.delegation_id == kt_vice_chairman.id


def test_hand_over_from_the_return_step_records_the_method(client, login_as, appraise):
    decide = _to_decision(client, login_as, appraise)
    login_as("chutich.anbinh")
    client.post(f"/can-bo/nhiem-vu/{decide.id}/xu-ly", data={"action": "approve"})
    back = open_tasks(appraise.dossier)[0]
    assert back.step_id == "return"
    login_as("motcua.anbinh")
    page = client.get(f"/can-bo/nhiem-vu/{back.id}").get_data(as_text=True)
    assert 'name="method"' in page
    response = client.post(
        f"/can-bo/nhiem-vu/{back.id}/xu-ly",
        data={"action": "hand_over", "method": "electronic", "version": back.version},
    )
    assert response.status_code == 302
    dossier = appraise.dossier
    db.session.refresh(dossier)
    assert dossier.status == "returned" and dossier.return_method == "electronic"


def test_suspend_and_resume(client, login_as, appraise):
    login_as("hotich.anbinh")
    dossier = appraise.dossier
    response = client.post(
        f"/can-bo/ho-so/{dossier.id}/tam-dung",
        data={"reason": "Chờ xác minh nơi sinh", "task_id": appraise.id},
    )
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.status == "suspended"
    assert client.post(f"/can-bo/ho-so/{dossier.id}/tiep-tuc").status_code == 302
    db.session.refresh(dossier)
    assert dossier.status == "processing"


def test_apology_sets_the_one_new_date(client, login_as, appraise):
    login_as("hotich.anbinh")
    dossier = appraise.dossier
    bad = client.post(
        f"/can-bo/ho-so/{dossier.id}/xin-loi",
        data={"reason": "Chờ xác minh", "new_date": "", "task_id": appraise.id},
    )
    assert bad.status_code == 400 and 'id="error-new_due_at"' in bad.get_data(as_text=True)
    ok = client.post(
        f"/can-bo/ho-so/{dossier.id}/xin-loi",
        data={
            "reason": "Chờ xác minh",
            "new_date": "2026-12-04",
            "new_time": "16:00",
            "back": f"/can-bo/nhiem-vu/{appraise.id}",
        },
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/nhiem-vu/{appraise.id}")
    extension = db.session.query(Extension).filter_by(dossier_id=dossier.id).one()
    assert extension.new_due_at.hour == 9  # 16:00 in Hà Nội
    again = client.post(
        f"/can-bo/ho-so/{dossier.id}/xin-loi", data={"reason": "Lại chậm", "new_date": "2026-12-08"}
    )
    assert again.status_code == 409


def test_a_supplement_in_processing_pauses_the_dossier(client, login_as, appraise):
    login_as("hotich.anbinh")
    dossier = appraise.dossier
    response = client.post(
        f"/can-bo/ho-so/{dossier.id}/bo-sung", data={"reason": "Ảnh mờ", "items": "Giấy chứng sinh"}
    )
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.status == "supplement_requested"


def test_leader_sees_the_load_and_reassigns(client, login_as, appraise, demo_org):
    second = User(username="hotich2.anbinh", kind="officer", full_name="Phí Thị Hằng")
    db.session.add(second)
    db.session.flush()
    db.session.add(
        PositionHolding(
            user_id=second.id,
            starts_at=T0 - timedelta(days=30),
            position_id=demo_org.position("XA-AN-BINH", "civil_status").id,
        )
    )
    db.session.commit()
    login_as("chutich.anbinh")
    page = client.get("/can-bo/lanh-dao").get_data(as_text=True)
    assert f'data-task="{appraise.id}"' in page and "Phí Thị Hằng" in page
    response = client.post(
        f"/can-bo/nhiem-vu/{appraise.id}/giao-lai",
        data={"assignee_id": second.id, "version": appraise.version},
    )
    assert response.status_code == 302
    db.session.refresh(appraise)
    assert appraise.assignee_id == second.id
    login_as("hotich.anbinh")
    refused = client.post(
        f"/can-bo/nhiem-vu/{appraise.id}/giao-lai",
        data={"assignee_id": second.id},
        follow_redirects=True,
    )
    assert "Only the head of the unit" in refused.get_data(as_text=True)


def test_the_api_lists_and_acts_with_a_409_for_a_stale_version(client, login_as, appraise):
    login_as("hotich.anbinh")
    page = client.get("/api/v1/officer/tasks?view=unit").get_json()
    assert [t["id"] for t in page["tasks"]] == [appraise.id] and page["counts"]["unit"] == 1
    detail = client.get(f"/api/v1/officer/tasks/{appraise.id}").get_json()
    assert {a["name"] for a in detail["actions"]} == {"submit", "back", "deny"}
    assert client.get("/api/v1/officer/counts").get_json()["counts"]["all"] == 1
    stale = appraise.version
    ok = client.post(
        f"/api/v1/officer/tasks/{appraise.id}/actions", json={"action": "submit", "version": stale}
    )
    assert ok.status_code == 200 and ok.get_json()["state"] == "done"
    again = client.post(
        f"/api/v1/officer/tasks/{appraise.id}/actions",
        json={"action": "back", "comment": "x", "version": stale},
    )
    assert again.status_code == 409 and again.get_json()["message"]
    assert (
        client.post(
            f"/api/v1/officer/tasks/{appraise.id}/actions", json={"comment": "x"}
        ).status_code
        == 400
    )
