"""`onestop delegations list|who|history` print what an administrator needs to check."""

from __future__ import annotations

from datetime import timedelta

from delegation_helpers import JOB_SCHEME, T0, basis

from onestop.domain.delegation.commands import delegations
from onestop.domain.delegation.operations import delegate_authority


def test_do_the_commands_show_the_delegation_its_deciders_and_history(app, org, admin):
    made = delegate_authority(
        admin,
        kind="TUQ",
        delegator_position=org.position("UBND-TINH", "chairman"),
        delegate_position=org.position("SNV", "director"),
        procedure_codes=[JOB_SCHEME],
        **basis(),
    )
    runner = app.test_cli_runner()
    at = (T0 + timedelta(days=1)).isoformat()
    listed = runner.invoke(delegations, ["list", "--agency", "UBND-TINH", "--at", at])
    assert listed.exit_code == 0, listed.output
    line = f"#{made.id} TUQ. [in_force] Chủ tịch (UBND tỉnh) → Giám đốc (Sở Nội vụ)"
    assert line in listed.output
    assert "Quyết định số 12/QĐ-UBND ngày 05/01/2026" in listed.output
    who = runner.invoke(delegations, ["who", JOB_SCHEME, "--at", at])
    assert who.output.splitlines() == [
        "Nguyễn Văn Hùng (chutich.tinh): Chủ tịch (UBND tỉnh) — giữ chức danh",
        "Hoàng Văn Minh (giamdoc.snv): Chủ tịch (UBND tỉnh) — TUQ. theo Quyết định số "
        "12/QĐ-UBND ngày 05/01/2026",
    ]
    history = runner.invoke(delegations, ["history", str(made.id)])
    assert "delegation:create" in history.output
    assert runner.invoke(delegations, ["list", "--agency", "NOPE"]).exit_code == 2
    assert runner.invoke(delegations, ["who", "0.000000"]).exit_code == 1
