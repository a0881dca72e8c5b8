"""`onestop seed --dossiers N`: the synthetic province for benchmarks and capacity tests."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext


@click.command("seed")
@click.option(
    "--dossiers",
    type=click.IntRange(min=1),
    required=True,
    help="How many dossiers to generate over the last two years.",
)
@click.option(
    "--seed",
    "random_seed",
    type=int,
    default=2026,
    show_default=True,
    help="Random seed (the same seed on an empty database gives the same data).",
)
@click.option(
    "--create-schema",
    is_flag=True,
    help="Create missing tables first (a fresh benchmark database without migrations).",
)
@with_appcontext
def seed(dossiers: int, random_seed: int, create_schema: bool):
    """Generate the demo province (if absent) and N synthetic dossiers with their statistics."""
    from sqlalchemy import func, select

    from onestop.domain.org.models import Agency
    from onestop.extensions import db
    from onestop.seed.demo import seed_demo

    from .generate import agency_count, generate

    if create_schema:
        db.create_all()
    if not db.session.scalar(select(func.count()).select_from(Agency)):
        seed_demo()
    started = time.perf_counter()
    with click.progressbar(length=dossiers, label="hồ sơ / dossiers") as bar:
        written = generate(dossiers, seed=random_seed, progress=bar.update)
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(
        f"{agency_count()} agencies; "
        + ", ".join(f"{name} {rows:,}" for name, rows in written.items())
    )
    click.echo(f"{dossiers:,} dossiers in {elapsed:.0f} s ({dossiers / elapsed:,.0f} a second)")
