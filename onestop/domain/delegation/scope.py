"""What a delegation covers, and which of several covering delegations is used."""

from __future__ import annotations


def covers(delegation, procedure_code: str | None, field: str | None, action: str | None) -> bool:
    """True when the delegation's procedures (by code or field) and actions include this act.

    Empty procedure codes and fields mean every procedure of the delegator; empty actions mean every
    action. A scoped delegation never covers an act whose procedure or action is unknown.
    """
    if not covers_procedure(delegation, procedure_code, field):
        return False
    actions = delegation.actions or []
    return not actions or (action is not None and action in actions)


def covers_procedure(delegation, procedure_code: str | None, field: str | None) -> bool:
    """True when the delegation's procedures (by code or field) include this one, any action."""
    codes, fields = delegation.procedure_codes or [], delegation.fields or []
    if not (codes or fields):
        return True
    return (procedure_code is not None and procedure_code in codes) or (
        field is not None and field in fields
    )


def precedence(delegation, procedure_code: str | None, action: str | None) -> tuple:
    """Sort key: the narrowest scope wins, then the most recent decision, then the newest record.

    Narrowest: the procedure named by code, before by field, before all procedures; the action
    named, before all actions. Most recent: the latest `valid_from`. Newest record: the highest id.
    """
    codes = delegation.procedure_codes or []
    if procedure_code is not None and procedure_code in codes:
        procedure_rank = 0
    elif codes or delegation.fields:
        procedure_rank = 1
    else:
        procedure_rank = 2
    action_rank = 0 if delegation.actions and action in delegation.actions else 1
    return (procedure_rank, action_rank, -delegation.valid_from.timestamp(), -(delegation.id or 0))
