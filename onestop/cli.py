"""The `onestop` command: demo, serve, worker, seed-demo, create-admin, api-token, audit ..."""

from __future__ import annotations

import sys
from importlib import import_module

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

# Feature command groups ("module:attribute"), added to the app's CLI by the factory.
_COMMAND_PATHS = [
    "onestop.cli:demo",
    "onestop.cli:serve",
    "onestop.cli:worker",
    "onestop.cli:seed_demo_command",
    "onestop.cli:create_admin",
    "onestop.cli:api_token",
    "onestop.cli:audit",
    "onestop.domain.workflow.commands:workflows",
    "onestop.domain.calendar.cli:calendar_group",
    "onestop.domain.statistics.commands:stats",
    "onestop.infra.signing.cli:pki",
    "onestop.domain.documents.commands:documents",
    "onestop.domain.delegation.commands:delegations",
    "onestop.seed.synthetic.command:seed",
]


def COMMANDS():  # noqa: N802 - reads as the registry it is
    for path in _COMMAND_PATHS:
        module, _, name = path.partition(":")
        yield getattr(import_module(module), name)


def _create_app():
    from onestop import create_app
    from onestop.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        click.echo(f"Cấu hình không hợp lệ / invalid configuration: {exc}", err=True)
        sys.exit(2)


@click.group(
    cls=FlaskGroup,
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
)
def main():
    """onestop: Hệ thống thông tin một cửa điện tử."""


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def demo(host: str, port: int):
    """Create and migrate the embedded database, seed the demo province, and serve it."""
    from flask_migrate import upgrade

    from onestop.seed.demo import seed_demo

    app = current_app._get_current_object()
    if app.config["ONESTOP_ENV"] == "production":
        raise click.UsageError("`onestop demo` is for the embedded mode; use `onestop serve`.")
    upgrade()
    info = seed_demo()
    click.echo(f"onestop demo: http://{host}:{port}/")
    click.echo(f"Mật khẩu chung / password for every demo login: {info['password']}")
    for line in demo_logins():
        click.echo("  " + line)
    _serve(app, host, port)


def demo_logins() -> list[str]:
    from sqlalchemy import select

    from onestop.domain.org.models import User
    from onestop.extensions import db

    rows = db.session.execute(
        select(User.username, User.kind, User.full_name).order_by(User.kind, User.id)
    ).all()
    return [f"{kind:8} {username:22} {name}" for username, kind, name in rows]


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve(host: str, port: int):
    """Serve the app (embedded worker thread included when REDIS_URL is unset)."""
    _serve(current_app._get_current_object(), host, port)


def _serve(app, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from onestop.extensions import db

    # End this command's own transaction: on SQLite an open one would hold the write lock.
    db.session.remove()
    from onestop.infra.queue import start_embedded_worker
    from onestop.infra.recurring import arm_recurring_jobs

    if app.config["ONESTOP_EMBEDDED_WORKER"] and start_embedded_worker(app):
        arm_recurring_jobs(app.extensions["onestop.queue"])
    run_simple(host, port, app, threaded=True, use_reloader=False)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work the queued jobs, then exit.")
@with_appcontext
def worker(burst: bool):
    """Work background jobs from Redis (with the scheduler)."""
    from rq import Worker

    from onestop.jobs import set_worker_app
    from onestop.services import queue

    jobs = queue()
    if jobs.embedded:
        raise click.UsageError(
            "REDIS_URL is not set: the embedded mode works jobs in the app itself."
        )
    set_worker_app(current_app._get_current_object())
    from onestop.infra.recurring import arm_recurring_jobs

    arm_recurring_jobs(jobs)
    Worker([jobs.queue], connection=jobs.connection).work(with_scheduler=True, burst=burst)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Seed the demo province into an already migrated database (idempotent)."""
    from onestop.seed.demo import seed_demo

    info = seed_demo()
    click.echo(f"demo province seeded; password {info['password']}")


@click.command("create-admin")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True)
@click.password_option()
@with_appcontext
def create_admin(username: str, full_name: str, password: str):
    """Create an administrator account."""
    from sqlalchemy import select

    from onestop.domain.audit.log import record
    from onestop.domain.org.models import User
    from onestop.domain.org.passwords import MIN_LENGTH, hash_password
    from onestop.extensions import db

    if len(password) < MIN_LENGTH:
        raise click.BadParameter(f"at least {MIN_LENGTH} characters", param_hint="password")
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.BadParameter(f"{username!r} already exists", param_hint="--username")
    user = User(
        username=username, full_name=full_name, kind="admin", password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    record("org:user:create", f"user:{user.id}", kind="admin", username=username)
    db.session.commit()
    click.echo(f"administrator {username} created")


@click.command("api-token")
@click.option("--username", required=True, help="The account the token acts as.")
@click.option("--name", required=True, help="What the token is for.")
@with_appcontext
def api_token(username: str, name: str):
    """Create a bearer token for an integration; the secret is printed once."""
    from sqlalchemy import select

    from onestop.domain.org.models import User
    from onestop.domain.org.tokens import create_token
    from onestop.extensions import db

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="--username")
    _, secret = create_token(None, user, name)
    db.session.commit()
    click.echo(secret)


@click.group("audit")
def audit():
    """The audit log."""


@audit.command("verify")
@with_appcontext
def audit_verify():
    """Check the hash chain; exit 1 naming the first event that does not hold."""
    from onestop.domain.audit.log import verify_chain

    report = verify_chain()
    if report.intact:
        click.echo(f"audit log intact: {report.checked} events")
        return
    click.echo(
        f"audit log BROKEN at event {report.broken_at}: {report.reason} "
        f"({report.checked} events checked before it)",
        err=True,
    )
    sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
