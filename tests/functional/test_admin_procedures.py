"""Procedure admin pages: versions with dossier counts, the editor, publish, the diagram."""

from __future__ import annotations

import pytest

from onestop.domain.dossiers.models import Dossier
from onestop.domain.procedures.models import Procedure
from onestop.domain.procedures.publish import WORKFLOWS_DIR, publish_paths
from onestop.extensions import db

FILE = WORKFLOWS_DIR / "1.001055-to-chuc-cuoc-le-ngoai-co-so-ton-giao.yaml"
CODE = "1.001055"


@pytest.fixture
def admin_client(client, demo_org, login_as):
    publish_paths([FILE])
    procedure = db.session.query(Procedure).filter_by(code=CODE).one()
    citizen = demo_org.user("001090001234")
    db.session.add(
        Dossier(
            procedure_version_id=procedure.current_version_id,
            applicant_id=citizen.id,
            applicant_name=citizen.full_name,
            receiving_agency_id=demo_org.agency("UBND-TINH").id,
            channel="online",
        )
    )
    db.session.commit()
    login_as("admin")
    return client


def test_list_shows_versions_with_dossier_counts(admin_client):
    """Does the list show each procedure's versions and how many dossiers run on each?"""
    html = admin_client.get("/quan-tri/thu-tuc").get_data(as_text=True)
    assert CODE in html and 'data-version="1">v1 (1)' in html


def test_detail_has_the_svg_diagram(admin_client):
    """Does the detail page draw the workflow as SVG with every step?"""
    html = admin_client.get(f"/quan-tri/thu-tuc/{CODE}").get_data(as_text=True)
    assert "<svg" in html
    for step in ("receive", "appraise", "decide", "return"):
        assert f'data-step="{step}"' in html
    assert "10d" in html  # the appraisal budget


def test_invalid_workflow_shows_problems_and_publishes_nothing(admin_client):
    """Is an invalid definition refused with messages that name the key path?"""
    source = FILE.read_text(encoding="utf-8").replace(
        "actions: {submit: decide,", "actions: {submit: nowhere,"
    )
    response = admin_client.post(
        "/quan-tri/quy-trinh", data={"source": source, "intent": "publish"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="problems"' in html and "nowhere" in html and "steps[1]" in html
    assert len(db.session.query(Procedure).filter_by(code=CODE).one().versions) == 1


def test_yaml_syntax_error_names_the_line(admin_client):
    """Is broken YAML reported with its line?"""
    response = admin_client.post("/quan-tri/quy-trinh", data={"source": "code: [1\nname: x\n"})
    assert response.status_code == 422 and "line" in response.get_data(as_text=True)


def test_validate_previews_then_publish_makes_a_version_only_on_change(admin_client):
    """Does check preview the diagram, publish add v2, and publishing again the same add nothing?"""
    source = FILE.read_text(encoding="utf-8").replace(
        "name: Trả kết quả,", "name: Trả kết quả cho tổ chức,"
    )
    preview = admin_client.post(
        "/quan-tri/quy-trinh", data={"source": source, "intent": "validate"}
    )
    assert preview.status_code == 200 and 'id="valid"' in preview.get_data(as_text=True)
    assert len(db.session.query(Procedure).filter_by(code=CODE).one().versions) == 1
    response = admin_client.post(
        "/quan-tri/quy-trinh", data={"source": source, "intent": "publish"}
    )
    assert response.status_code == 302
    procedure = db.session.query(Procedure).filter_by(code=CODE).one()
    assert [v.number for v in procedure.versions] == [1, 2]
    assert procedure.current_version.number == 2
    admin_client.post("/quan-tri/quy-trinh", data={"source": source, "intent": "publish"})
    db.session.refresh(procedure)
    assert [v.number for v in procedure.versions] == [1, 2]
    html = admin_client.get("/quan-tri/thu-tuc").get_data(as_text=True)
    assert "v1 (1)" in html and "v2 (0)" in html


def test_editor_loads_the_current_source(admin_client):
    """Does the editor open with the current version's YAML?"""
    html = admin_client.get(f"/quan-tri/quy-trinh?ma={CODE}").get_data(as_text=True)
    assert "Ban Tôn giáo thẩm định" in html


def test_dossiers_of_a_version(admin_client):
    """Does each version link to the dossiers pinned to it?"""
    html = admin_client.get(f"/quan-tri/thu-tuc/{CODE}/ho-so?phien_ban=1").get_data(as_text=True)
    assert "Nguyễn Thị Bình" in html and "1 hồ sơ" in html
    assert admin_client.get(f"/quan-tri/thu-tuc/{CODE}/ho-so?phien_ban=9").status_code == 404


def test_diagram_draws_parallel_branches_side_by_side():
    """Does the SVG put parallel branches in one row and join them into the next step?"""
    from onestop.domain.workflow.definition import load_path
    from onestop.domain.workflow.orgdir import OrgDirectory
    from onestop.web.admin.diagram import budget_text, workflow_svg

    loaded = load_path(
        WORKFLOWS_DIR / "1.012658-lien-thong-khai-sinh-thuong-tru-bhyt.yaml",
        OrgDirectory.from_yaml(),
    )
    svg = str(workflow_svg(loaded.data))
    assert svg.count('class="wf-step wf-branch"') == 2
    assert 'class="wf-lane" data-step="transfer"' in svg and "hội tụ: tất cả" in svg
    # receive→register→sign, sign→both branches, both branches→compile, compile→return
    assert svg.count("<line ") == 2 + 2 + 2 + 1
    assert [budget_text(m) for m in (30, 240, 480, 1440 + 90)] == ["30m", "4h", "1d", "3d 1h 30m"]
