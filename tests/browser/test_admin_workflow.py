"""An administrator uploads an invalid workflow, sees the messages, fixes it, publishes it, and the
procedure appears in the admin list and in the citizen catalogue."""

from __future__ import annotations

from onestop.domain.procedures.publish import WORKFLOWS_DIR
from tests.browser.conftest import login

BASE = (WORKFLOWS_DIR / "1.001055-to-chuc-cuoc-le-ngoai-co-so-ton-giao.yaml").read_text(
    encoding="utf-8"
)
CODE = "1.999901"
NAME = "Thủ tục thử nghiệm công bố từ trang quản trị"
VALID = BASE.replace('code: "1.001055"', f'code: "{CODE}"').replace(
    "name: Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo, địa điểm hợp pháp đã đăng "
    "ký có quy mô tổ chức ở một tỉnh",
    f"name: {NAME}",
)
INVALID = VALID.replace("actions: {submit: decide,", "actions: {submit: thamdinh_lai,")


def test_invalid_workflow_fixed_and_published(page, live_server):
    assert CODE in VALID and NAME in VALID and "thamdinh_lai" in INVALID
    login(page, live_server, "admin")
    page.goto(f"{live_server}/quan-tri/quy-trinh")
    page.fill("#f-source", INVALID)
    page.click("#publish")
    page.wait_for_load_state()
    problems = page.inner_text("#problems")
    assert "thamdinh_lai" in problems and "steps[1]" in problems
    assert page.input_value("#f-source") == INVALID  # the text is kept for fixing

    page.fill("#f-source", VALID)
    page.click("#validate")
    page.wait_for_load_state()
    assert page.is_visible("#valid") and page.is_visible("#diagram svg")

    page.click("#publish")
    page.wait_for_load_state()
    assert page.url.endswith(f"/quan-tri/thu-tuc/{CODE}")
    assert "phiên bản 1" in page.inner_text(".flash")
    assert page.locator('#versions tr[data-version="1"]').count() == 1
    assert page.locator('svg.workflow-diagram g[data-step="appraise"]').count() == 1

    page.goto(f"{live_server}/quan-tri/thu-tuc")
    assert NAME in page.inner_text("#procedures")

    page.goto(f"{live_server}/thu-tuc?q={CODE}")
    assert NAME in page.inner_text("main")
