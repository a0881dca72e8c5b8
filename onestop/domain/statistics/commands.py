"""`onestop stats report|refresh`: the periodic report from the command line, and fact rebuilds."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from onestop.domain import DomainError


def _agency_id(key: str | None) -> int | None:
    if not key:
        return None
    from sqlalchemy import or_, select

    from onestop.domain.org.models import Agency
    from onestop.extensions import db

    agency_id = db.session.scalar(
        select(Agency.id).where(or_(Agency.key == key, Agency.eid == key))
    )
    if agency_id is None:
        raise click.BadParameter(f"no agency with key or code {key!r}", param_hint="--agency")
    return agency_id


def _officer_id(username: str | None) -> int | None:
    if not username:
        return None
    from sqlalchemy import select

    from onestop.domain.org.models import User
    from onestop.extensions import db

    user_id = db.session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="--officer")
    return user_id


@click.group("stats")
def stats():
    """Processing-time statistics (báo cáo tình hình giải quyết TTHC)."""


@stats.command("report")
@click.option(
    "--from",
    "first",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day of the period (YYYY-MM-DD), local time.",
)
@click.option(
    "--to",
    "last",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day of the period, inclusive.",
)
@click.option("--agency", help="Agency key or electronic code; its whole subtree is counted.")
@click.option("--procedure", "procedure_code", help="National procedure code, e.g. 1.001193.")
@click.option("--field", help="Procedure field (lĩnh vực).")
@click.option("--officer", help="Username: only dossiers this officer received or handled.")
@click.option(
    "--group-by",
    default="agency",
    show_default=True,
    type=click.Choice(["agency", "procedure", "field", "officer", "unit", "none"]),
)
@click.option(
    "--format", "fmt", default="json", show_default=True, type=click.Choice(["json", "csv", "xlsx"])
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output (required for xlsx on a tty).",
)
@with_appcontext
def report_command(first, last, agency, procedure_code, field, officer, group_by, fmt, output):
    """Print the periodic report with every cell and QĐ 766 indicator."""
    from onestop.domain.statistics.export import report_to_csv, report_to_dict, report_to_xlsx
    from onestop.domain.statistics.report import ReportQuery, build_report

    try:
        query = ReportQuery(
            first=date.fromordinal(first.toordinal()),
            last=date.fromordinal(last.toordinal()),
            agency_id=_agency_id(agency),
            procedure_code=procedure_code,
            field=field,
            officer_id=_officer_id(officer),
            group_by=group_by,
        )
        report = build_report(query)
    except DomainError as exc:
        raise click.BadParameter(exc.message, param_hint=f"--{exc.field or 'from'}") from None
    if fmt == "xlsx":
        data = report_to_xlsx(report)
        if output is None and sys.stdout.isatty():
            raise click.BadParameter("give --output FILE for xlsx", param_hint="--output")
    elif fmt == "csv":
        data = report_to_csv(report).encode("utf-8")
    else:
        data = (json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n").encode()
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
        click.echo(f"report written to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@stats.command("refresh")
@click.option("--dossier", "codes", multiple=True, help="Only this dossier code (repeatable).")
@click.option("--open-only", is_flag=True, help="Only dossiers still open.")
@click.option(
    "--rollups-only", is_flag=True, help="Keep the facts; recompute the monthly rollups from them."
)
@with_appcontext
def refresh_command(codes, open_only, rollups_only):
    """Rebuild statistics facts from the dossiers (all of them unless restricted)."""
    from sqlalchemy import select

    from onestop.domain.dossiers.models import Dossier
    from onestop.domain.statistics.rebuild import refresh_all, refresh_dossiers
    from onestop.extensions import db

    if rollups_only:
        from onestop.domain.statistics.rollups import rebuild

        rows = rebuild()
        db.session.commit()
        click.echo(f"monthly rollups rebuilt: {rows} row(s)")
        return
    if codes:
        ids = list(db.session.scalars(select(Dossier.id).where(Dossier.code.in_(codes))))
        missing = len(set(codes)) - len(ids)
        if missing:
            raise click.BadParameter(f"{missing} dossier code(s) not found", param_hint="--dossier")
        count = refresh_dossiers(ids)
        db.session.commit()
    else:
        count = refresh_all(commit=db.session.commit, open_only=open_only)
        db.session.commit()
    click.echo(f"statistics facts refreshed for {count} dossier(s)")
