"""Inter-agency work in parallel: the police and social insurance each act on their own branch."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from onestop.domain.dossiers.attachments import Upload
from onestop.domain.dossiers.lifecycle import receive, submit_online
from onestop.domain.workflow.runtime import act, open_tasks
from onestop.extensions import db
from tests.unit.domain.dossiers.dossier_support import PDF, T0, WORKFLOWS, publish_file

FORM = {
    "child_name": "Vũ Minh Khôi",
    "child_birth_date": "2026-11-20",
    "child_sex": "Nam",
    "mother_name": "Nguyễn Thị Bình",
    "residence_address": "Thôn Đông, xã An Bình",
    "household_head_id": "001090001234",
}


@pytest.fixture
def transferred(demo_org, frozen_clock):
    """A joint birth/residence/health-card dossier signed by the chairman, now at both agencies."""
    frozen_clock(T0 + timedelta(hours=1))
    version = publish_file(WORKFLOWS / "1.012658-lien-thong-khai-sinh-thuong-tru-bhyt.yaml")
    parts = [Upload("to_khai_lien_thong", PDF, "tk.pdf"), Upload("giay_chung_sinh", PDF, "cs.pdf")]
    dossier = submit_online(
        demo_org.user("001090001234"),
        version,
        FORM,
        parts,
        "lt-1",
        agency_id=demo_org.agency("XA-AN-BINH").id,
        at=T0,
    )
    receive(dossier, demo_org.user("motcua.anbinh"), T0)
    for username, action in (
        ("motcua.anbinh", "submit"),
        ("hotich.anbinh", "submit"),
        ("chutich.anbinh", "approve"),
    ):
        act(open_tasks(dossier)[0], demo_org.user(username), action, at=T0)
    db.session.commit()  # inside the test's outer transaction: survives a request's rollback
    return dossier


def test_each_agency_sees_and_closes_its_own_branch(client, login_as, transferred):
    branches = {t.branch: t for t in open_tasks(transferred)}
    assert set(branches) == {"residence", "health_card"}
    for username, branch, other in (
        ("canbo.ca", "residence", "health_card"),
        ("chuyenvien.bhxh", "health_card", "residence"),
    ):
        login_as(username)
        queue = client.get("/can-bo/viec").get_data(as_text=True)
        assert f'data-task="{branches[branch].id}"' in queue
        assert f'data-task="{branches[other].id}"' not in queue
        page = client.get(f"/can-bo/nhiem-vu/{branches[branch].id}").get_data(as_text=True)
        assert "done" in re.findall(r'name="action" value="([a-z_]+)"', page)
        response = client.post(
            f"/can-bo/nhiem-vu/{branches[branch].id}/xu-ly",
            data={"action": "done", "comment": "Đã xong phần việc"},
        )
        assert response.status_code == 302
    assert [t.step_id for t in open_tasks(transferred)] == ["compile"]
