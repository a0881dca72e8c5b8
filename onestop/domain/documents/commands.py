"""`onestop documents`: see failed papers, render one now, recover stuck ones (or schedule that)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from onestop.extensions import db


@click.group("documents")
def documents():
    """Văn bản, giấy tờ / papers and results: status, render, recovery."""


@documents.command("status")
@click.option(
    "--state",
    type=click.Choice(["pending", "rendering", "signed", "failed"]),
    default="failed",
    show_default=True,
)
@with_appcontext
def status(state):
    """List documents in a state, with their error."""
    from .models import Document

    for document in db.session.scalars(
        select(Document).where(Document.state == state).order_by(Document.id)
    ):
        click.echo(
            f"{document.id}\t{document.kind}\tdossier {document.dossier_id}\t"
            f"attempts {document.attempts}\t{document.error or ''}"
        )


@documents.command("render")
@click.argument("document_id", type=int)
@with_appcontext
def render(document_id):
    """Render and sign one document now, in this process."""
    from .jobs import run_render

    click.echo(run_render(document_id))


@documents.command("recover")
@click.option("--schedule", is_flag=True, help="Arm the recurring check on the worker instead.")
@click.option("--every-minutes", default=5, show_default=True, type=click.IntRange(1, 1440))
@with_appcontext
def recover(schedule, every_minutes):
    """Re-queue documents stuck in rendering or pending (ONESTOP_DOCUMENT_STUCK_MINUTES)."""
    from onestop.services import queue

    from .jobs import run_recovery, schedule_recovery

    if schedule:
        job = schedule_recovery(queue(), every_minutes)
        click.echo(f"scheduled {job.id}")
        return
    recovered = run_recovery()
    db.session.commit()
    click.echo(f"re-queued {len(recovered)} document(s)")
