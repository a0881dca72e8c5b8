"""`onestop delegations list|who|history`: read delegations from the command line."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy import select

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(instant: datetime | None) -> str:
    return instant.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M") if instant else "…"


def _instant(raw: str | None) -> datetime:
    from onestop.infra import clock

    if raw is None:
        return clock.now()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-03T09:00", param_hint="--at") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


def _who(delegation) -> str:
    if delegation.delegate_position is not None:
        position = delegation.delegate_position
        return f"{position.title} ({position.agency.display_name})"
    return delegation.delegate_user.full_name


@click.group("delegations")
def delegations():
    """Delegations of authority (TUQ./KT./TL.) and who may decide what."""


@delegations.command("list")
@click.option("--agency", "agency_key", help="Only delegations made by this agency (key).")
@click.option("--at", "at_raw", help="The instant to judge states at (ISO 8601, local).")
@click.option("--in-force", is_flag=True, help="Only those in force at that instant.")
@with_appcontext
def list_command(agency_key, at_raw, in_force):
    """One line per delegation: id, kind, state, delegator → delegate, scope, basis, window."""
    from onestop.domain.org.models import Agency
    from onestop.extensions import db

    from .queries import list_delegations

    at = _instant(at_raw)
    agency_id = None
    if agency_key:
        agency_id = db.session.scalar(select(Agency.id).where(Agency.key == agency_key))
        if agency_id is None:
            raise click.BadParameter(f"no agency has the key {agency_key!r}", param_hint="--agency")
    states = ("in_force",) if in_force else None
    for d in list_delegations(at, agency_id=agency_id, states=states):
        delegator = d.delegator_position
        click.echo(
            f"#{d.id} {d.kind}. [{d.state(at)}] {delegator.title} "
            f"({delegator.agency.display_name}) → {_who(d)}; {d.scope_text}; {d.basis}; "
            f"{_local(d.valid_from)} – {_local(d.valid_to)}"
        )


@delegations.command("who")
@click.argument("procedure_code")
@click.option("--at", "at_raw", help="The instant (ISO 8601, local); default now.")
@with_appcontext
def who_command(procedure_code, at_raw):
    """Who may decide a procedure at an instant: holders, delegates, substitutes, in order."""
    from .queries import who_can_decide

    deciders = who_can_decide(procedure_code, _instant(at_raw))
    if not deciders:
        raise click.ClickException(
            f"no one may decide {procedure_code} then (unknown procedure, "
            "or its authority position is vacant)"
        )
    for d in deciders:
        if d.delegation is not None:
            how = f"{d.delegation.kind}. theo {d.delegation.basis}"
        elif d.substitution is not None:
            how = f"thay thế theo {d.substitution.basis}"
        else:
            how = "giữ chức danh"
        click.echo(
            f"{d.user.full_name} ({d.user.username}): {d.principal_position.title} "
            f"({d.principal_position.agency.display_name}) — {how}"
        )


@delegations.command("history")
@click.argument("delegation_id", type=int)
@with_appcontext
def history_command(delegation_id):
    """The audit events of one delegation and every act done under it."""
    from onestop.extensions import db

    from .models import Delegation
    from .queries import delegation_history

    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise click.ClickException(f"no delegation #{delegation_id}")
    for event in delegation_history(delegation):
        click.echo(f"{_local(event.at)} {event.action} {event.subject} actor={event.actor_id}")
