"""`onestop calendar ...`: due times, the year's days off, holiday data, deadline warnings."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import with_appcontext

from onestop.domain import DomainError
from onestop.extensions import db

from .workingtime import MINUTES_PER_DAY

KIND_NAMES = {"holiday": "nghỉ / day off", "makeup_workday": "làm bù / make-up working day"}


def _instant(text: str, calendar) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            "write an ISO 8601 instant, e.g. 2027-02-03T16:30", param_hint="--from"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=calendar.tz)


def _years(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        raise click.BadParameter(
            "write a year or a range, e.g. 2025-2028", param_hint="--years"
        ) from None
    if not years:
        raise click.BadParameter("the range is empty", param_hint="--years")
    return years


def _fail(exc: DomainError):
    raise click.ClickException(f"{exc.field + ': ' if exc.field else ''}{exc.message}")


@click.group("calendar")
def calendar_group():
    """Working calendar: due times, days off, make-up days."""


@calendar_group.command("due")
@click.option(
    "--from", "start", required=True, help="Receipt instant, ISO 8601; local time if no offset."
)
@click.option("--working-days", type=float, help="Legal time in working days (0.5 = half a day).")
@click.option("--working-hours", type=float, help="Legal time in working hours.")
@click.option(
    "--procedure", help="Procedure code: its legal time and cut-off (and receiving agency)."
)
@click.option("--agency", help="Agency key whose calendar counts (default: national).")
@click.option(
    "--cutoff", help="Cut-off HH:MM after which receipts count from the next working day."
)
@with_appcontext
def due(start, working_days, working_hours, procedure, agency, cutoff):
    """Print the due instant in ISO 8601 with the +07:00 offset."""
    from .deadlines import legal_due_at
    from .queries import agency_id_for, current_version
    from .service import calendar_for

    if sum(x is not None for x in (working_days, working_hours)) > 1:
        raise click.UsageError("give either --working-days or --working-hours")
    try:
        agency_id = agency_id_for(agency)
        version = current_version(procedure) if procedure else None
        if version is not None and agency_id is None:
            agency_id = version.receiving_agency_id
        calendar = calendar_for(agency_id)
        received = _instant(start, calendar)
        if working_days is not None or working_hours is not None:
            minutes = round(
                working_days * MINUTES_PER_DAY if working_days is not None else working_hours * 60
            )
            if cutoff is None and version is not None:
                cutoff = version.definition.get("cutoff")
            result = calendar.due_at(received, minutes, cutoff)
        elif version is not None:
            result = legal_due_at(calendar, version.definition, version.legal_minutes, received)
        else:
            raise click.UsageError("give --working-days, --working-hours or --procedure")
    except DomainError as exc:
        _fail(exc)
    click.echo(calendar.local(result).isoformat())


@calendar_group.command("show")
@click.argument("year", type=int)
@click.option("--agency", help="Agency key (its own days included).")
@with_appcontext
def show(year, agency):
    """List the year's days off and make-up working days."""
    from .queries import agency_id_for, calendar_days

    try:
        entries = calendar_days(year, agency_id_for(agency))
    except DomainError as exc:
        _fail(exc)
    for entry in entries:
        click.echo(
            f"{entry.day.isoformat()}  {entry.day:%a}  {KIND_NAMES[entry.kind]:30}  {entry.name}  "
            f"[{entry.source}{'' if entry.agency_id is None else ', agency'}]"
        )
    click.echo(f"{len(entries)} day(s)")


@calendar_group.group("holidays")
def holidays_group():
    """Holiday data: seed from the library and Government notices, list, add, remove."""


@holidays_group.command("seed")
@click.option("--years", default="2025-2028", show_default=True)
@with_appcontext
def seed(years):
    """Insert the national days off and make-up days of the years (idempotent)."""
    from .operations import seed_national_days

    added, kept, moved = seed_national_days(None, _years(years))
    db.session.commit()
    click.echo(f"{added} day(s) added, {kept} already present, {len(moved)} due time(s) moved")


@holidays_group.command("list")
@click.option("--year", type=int, default=date.today().year, show_default="this year")
@click.option("--agency", help="Agency key.")
@click.pass_context
def list_days(ctx, year, agency):
    """Same as `onestop calendar show YEAR`."""
    ctx.invoke(show, year=year, agency=agency)


@holidays_group.command("add")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("name")
@click.option("--kind", type=click.Choice(["holiday", "makeup_workday"]), default="holiday")
@click.option("--agency", help="Agency key (default: everywhere).")
@with_appcontext
def add(day, name, kind, agency):
    """Add a day off or a make-up working day; open dossiers' due times are recomputed."""
    from .operations import add_day
    from .queries import agency_id_for

    try:
        _, moved = add_day(None, day.date(), name, kind, agency_id_for(agency))
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"added; {len(moved)} due time(s) moved")
    for item in moved:
        click.echo(
            f"  {item.subject}: {item.previous and item.previous.isoformat()}"
            f" -> {item.new.isoformat()}"
        )


@holidays_group.command("remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--agency", help="Agency key (default: the national day).")
@with_appcontext
def remove(day, agency):
    """Remove a day off or make-up day; open dossiers' due times are recomputed."""
    from sqlalchemy import select

    from .models import Holiday
    from .operations import remove_day
    from .queries import agency_id_for

    try:
        agency_id = agency_id_for(agency)
        holiday_id = db.session.scalar(
            select(Holiday.id).where(
                Holiday.day == day.date(),
                Holiday.agency_id.is_(None)
                if agency_id is None
                else Holiday.agency_id == agency_id,
            )
        )
        if holiday_id is None:
            raise click.ClickException(f"{day.date()} is not in the calendar")
        moved = remove_day(None, holiday_id)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"removed; {len(moved)} due time(s) moved")


@calendar_group.command("warnings")
@click.option(
    "--schedule", is_flag=True, help="Arm the recurring job on the worker's scheduler instead."
)
@click.option(
    "--every", "every_minutes", default=15, show_default=True, help="Minutes between runs."
)
@with_appcontext
def warnings_command(schedule, every_minutes):
    """Raise due-soon, overdue and apology-due warnings now (or schedule them)."""
    from onestop.services import queue

    from .deadline_warnings import raise_deadline_warnings
    from .schedule import schedule_deadline_warnings

    if schedule:
        job = schedule_deadline_warnings(queue(), every_minutes)
        click.echo(f"scheduled {job.id} every {every_minutes} minute(s)")
        return
    raised = raise_deadline_warnings()
    db.session.commit()
    click.echo(f"{len(raised)} warning(s) raised")


@calendar_group.command("hours")
@click.argument("agency")
@click.argument("weekday", type=click.IntRange(0, 6))
@click.argument("hours", required=False)
@click.option("--clear", is_flag=True, help="Return the weekday to the standard hours.")
@with_appcontext
def hours_command(agency, weekday, hours, clear):
    """Set an agency's own hours on a weekday (0 = Monday), e.g. `SNV 5 08:00-11:30`."""
    from .operations import clear_weekday_hours, set_weekday_hours
    from .queries import agency_id_for

    if not clear and hours is None:
        raise click.UsageError('give HOURS (e.g. 08:00-11:30, or "" for closed) or --clear')
    try:
        agency_id = agency_id_for(agency)
        if clear:
            moved = clear_weekday_hours(None, agency_id, weekday)
        else:
            moved = set_weekday_hours(None, agency_id, weekday, hours)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"saved; {len(moved)} due time(s) moved")


@calendar_group.command("recompute")
@click.option(
    "--reason", required=True, help="Why, recorded with each move (e.g. new office hours)."
)
@click.option("--agency", help="Only this agency's dossiers.")
@with_appcontext
def recompute_command(reason, agency):
    """Recompute open due times after a change outside the tables (e.g. ONESTOP_WORKING_HOURS)."""
    from . import service
    from .queries import agency_id_for
    from .recompute import recompute_open_deadlines

    try:
        service.invalidate()
        moved = recompute_open_deadlines(None, reason, agency_id_for(agency))
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"{len(moved)} due time(s) moved")
    for item in moved:
        click.echo(
            f"  {item.subject}: {item.previous and item.previous.isoformat()}"
            f" -> {item.new.isoformat()}"
        )
