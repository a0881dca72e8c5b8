"""`onestop calendar ...` as an operator types it."""

from __future__ import annotations

from onestop.domain.calendar.cli import calendar_group


def run(app, *args):
    result = app.test_cli_runner().invoke(calendar_group, list(args))
    return result.exit_code, result.output


def test_due_prints_iso_with_the_vietnam_offset(app):
    """Does `due` print the instant with +07:00, for days, hours and the cut-off?"""
    assert run(app, "due", "--from", "2027-02-03T16:30", "--working-days", "5") == (
        0,
        "2027-02-17T17:00:00+07:00\n",
    )
    assert run(app, "due", "--from", "2026-12-04T16:30", "--working-hours", "1")[1] == (
        "2026-12-07T08:30:00+07:00\n"
    )
    late = run(app, "due", "--from", "2026-12-03T15:30", "--working-days", "1", "--cutoff", "15:00")
    assert late[1] == "2026-12-07T17:00:00+07:00\n"
    utc = run(app, "due", "--from", "2026-12-03T02:00:00+00:00", "--working-days", "1")
    assert utc[1] == "2026-12-04T17:00:00+07:00\n"


def test_due_refuses_bad_input_clearly(app, demo_org):
    """Are a bad instant, an unknown agency and a missing duration refused with a message?"""
    code, output = run(app, "due", "--from", "yesterday", "--working-days", "1")
    assert code == 2 and "ISO 8601" in output
    code, output = run(
        app, "due", "--from", "2026-12-03T09:00", "--working-days", "1", "--agency", "NOPE"
    )
    assert code == 1 and "no agency with key 'NOPE'" in output
    code, output = run(app, "due", "--from", "2026-12-03T09:00")
    assert code == 2 and "--working-days" in output


def test_show_lists_days_off_and_make_up_days(app):
    """Does `show 2026` list Tết and the make-up Saturday 22/8?"""
    code, output = run(app, "show", "2026")
    assert code == 0
    assert "2026-02-17" in output and "2026-08-22  Sat  làm bù" in output


def test_hours_and_holidays_commands(app, demo_org):
    """Can an operator give an agency Saturday hours and add and remove a day off?"""
    assert run(app, "hours", "XA-AN-BINH", "5", "08:00-11:30")[0] == 0
    assert (
        run(
            app,
            "due",
            "--from",
            "2026-12-04T16:30",
            "--working-hours",
            "1",
            "--agency",
            "XA-AN-BINH",
        )[1]
        == "2026-12-05T08:30:00+07:00\n"
    )
    assert run(app, "holidays", "add", "2026-12-24", "Nghỉ thử")[0] == 0
    assert run(app, "due", "--from", "2026-12-23T09:00", "--working-days", "1")[1] == (
        "2026-12-25T17:00:00+07:00\n"
    )
    assert run(app, "holidays", "remove", "2026-12-24")[0] == 0
    assert run(app, "holidays", "remove", "2026-12-24")[0] == 1
