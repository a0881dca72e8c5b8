"""The audit log viewer: filter by who, what, when and dossier; verify the hash chain."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from flask import render_template, request
from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.audit.log import verify_chain
from onestop.domain.audit.models import AuditEvent
from onestop.domain.org.models import Position, User
from onestop.extensions import db

from . import bp, section
from .forms import LOCAL

section("admin.audit", "Nhật ký kiểm tra", "Ai làm gì, khi nào, với hồ sơ nào; kiểm tra chuỗi băm")

PAGE_SIZE = 100


def _day_arg(name: str, label: str):
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise DomainError(f"{label} phải theo dạng YYYY-MM-DD.", field=name) from None
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def _filters() -> tuple[object, dict]:
    """The query of the URL's filters, and the filters as shown back in the form."""
    args = {
        name: (request.args.get(name) or "").strip()[:80]
        for name in ("action", "subject", "who", "dossier", "from", "to")
    }
    query = select(AuditEvent)
    if args["action"]:
        query = query.where(AuditEvent.action.startswith(args["action"]))
    if args["subject"]:
        query = query.where(AuditEvent.subject.contains(args["subject"]))
    if args["dossier"]:
        query = query.where(AuditEvent.subject.startswith(f"dossier:{args['dossier']}"))
    if args["who"]:
        user_id = db.session.scalar(select(User.id).where(User.username == args["who"]))
        if user_id is None:
            raise DomainError("Không có tài khoản này.", field="who")
        query = query.where(AuditEvent.actor_id == user_id)
    first = _day_arg("from", "Từ ngày")
    if first is not None:
        query = query.where(AuditEvent.at >= first)
    last = _day_arg("to", "Đến ngày")
    if last is not None:
        query = query.where(AuditEvent.at < last + timedelta(days=1))
    return query, args


@bp.route("/nhat-ky", methods=["GET", "POST"])
def audit():
    errors = {}
    try:
        query, args = _filters()
    except DomainError as exc:
        errors = {exc.field: exc.message}
        query, args = select(AuditEvent).where(AuditEvent.id < 0), dict(request.args)
    before = request.args.get("truoc", type=int)
    if before:
        query = query.where(AuditEvent.id < before)
    events = db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)).all()
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id}))
        )
    }
    positions = {
        p.id: p
        for p in db.session.scalars(
            select(Position).where(
                Position.id.in_(
                    {e.principal_position_id for e in events if e.principal_position_id}
                )
            )
        )
    }
    report = verify_chain() if request.method == "POST" else None
    return render_template(
        "admin/audit.html",
        events=events,
        users=users,
        positions=positions,
        args=args,
        errors=errors,
        report=report,
        more=more,
        dumps=_dumps,
        next_before=events[-1].id if more and events else None,
    ), 400 if errors else 200


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
