"""`onestop workflows validate|load PATH...`: check and publish procedure definition files."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .definition import DefinitionError, load_path
from .orgdir import OrgDirectory


@click.group("workflows")
def workflows():
    """Procedure and workflow definitions (workflows/*.yaml)."""


@workflows.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--org",
    "org_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Check names against this org YAML instead of the database.",
)
@with_appcontext
def validate_command(paths, org_file):
    """Validate definition files; exit status 1 when any has a problem."""
    from onestop.domain.procedures.publish import definition_files

    org = OrgDirectory.from_yaml(org_file) if org_file else OrgDirectory.current()
    failed = 0
    for path in definition_files(paths):
        try:
            loaded = load_path(path, org)
        except DefinitionError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        data = loaded.data
        click.echo(f"ok {path}: {data['code']} {data['name']} ({len(data['steps'])} steps)")
    if failed:
        click.echo(f"{failed} file(s) with problems (names checked against {org.source})", err=True)
        raise SystemExit(1)


@workflows.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@with_appcontext
def load_command(paths):
    """Publish definition files; a new version only where the content changed. All or nothing."""
    from onestop.domain import DomainError
    from onestop.domain.procedures.publish import publish_paths
    from onestop.extensions import db

    try:
        results = publish_paths(paths)
    except (DefinitionError, DomainError) as exc:
        db.session.rollback()
        for problem in getattr(exc, "problems", None) or [exc]:
            click.echo(str(problem), err=True)
        click.echo("nothing was published", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    for item in results:
        version = item.version
        state = "published" if item.created else "unchanged"
        click.echo(f"{state} {version.procedure.code} v{version.number} {version.procedure.name}")
