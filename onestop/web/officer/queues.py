"""Work queues: mine, my units', on behalf of others, overdue; filters, counts, keyset pages."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from onestop.domain.dossiers.models import STATUSES
from onestop.domain.procedures.models import Procedure
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.security import officer_required

from . import worklist
from .blueprint import bp, me


def queue_args() -> dict:
    """The queue filters from the query string (blank ones dropped)."""
    args = {
        key: (request.args.get(key) or "").strip() or None
        for key in ("view", "procedure", "status", "due", "after")
    }
    args["view"] = args["view"] or "all"
    return args


@bp.get("/viec")
@officer_required
def queue():
    """The officer's queue, soonest due first, with due-soon and overdue marks."""
    args = queue_args()
    result = worklist.page(me(), at=clock.now(), **args)
    procedures = db.session.execute(
        select(Procedure.code, Procedure.name)
        .where(Procedure.active.is_(True))
        .order_by(Procedure.code)
    ).all()
    return render_template(
        "officer/queue.html",
        page=result,
        args=args,
        views=worklist.VIEW_LABELS,
        procedures=procedures,
        statuses=[s for s in STATUSES if s not in ("draft", "cancelled")],
    )
