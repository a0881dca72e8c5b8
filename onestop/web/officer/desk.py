"""The one-stop desk: online dossiers to check, results to hand over, dossier-level verbs."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from onestop.domain import DomainError
from onestop.domain.dossiers import lifecycle
from onestop.domain.dossiers.models import Dossier
from onestop.domain.procedures.models import ProcedureVersion
from onestop.domain.workflow.models import Task
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.security import officer_required

from .blueprint import back_to, bp, form_text, get_or_404, me, visible_dossier
from .pages import render_dossier

DESK_LIMIT = 100


def desk_agency_ids(user, at) -> list[int]:
    """Agencies whose one-stop desk the user staffs (own receiver positions or on behalf)."""
    from onestop.domain.delegation.authority import own_positions
    from onestop.domain.delegation.queries import on_behalf_capacities

    positions = own_positions(user, at) + [
        c.principal_position for c in on_behalf_capacities(user, at)
    ]
    return sorted({p.agency_id for p in positions if p.role == "receiver"})


def _dossiers(agency_ids, *statuses, order):
    return db.session.scalars(
        select(Dossier)
        .where(Dossier.receiving_agency_id.in_(agency_ids), Dossier.status.in_(statuses))
        .options(joinedload(Dossier.procedure_version).joinedload(ProcedureVersion.procedure))
        .order_by(order, Dossier.id)
        .limit(DESK_LIMIT)
    ).all()


@bp.get("/mot-cua")
@officer_required
def desk():
    """Online dossiers awaiting their check, and results awaiting hand-over."""
    at = clock.now()
    agency_ids = desk_agency_ids(me(), at)
    return render_template(
        "officer/desk.html",
        at=at,
        staffed=bool(agency_ids),
        to_check=_dossiers(agency_ids, "submitted", order=Dossier.check_due_at),
        to_return=_dossiers(agency_ids, "processed", order=Dossier.processed_at),
    )


@bp.get("/ho-so/<int:dossier_id>")
@officer_required
def dossier(dossier_id: int):
    """The dossier as the desk sees it (check, receive, refuse, hand over)."""
    return render_dossier(visible_dossier(dossier_id), me(), clock.now())


def _run(dossier_id: int, verb, done: str):
    """Run a dossier verb for the officer; commit, or re-render the page with the refusal."""
    dossier = visible_dossier(dossier_id)
    page = url_for("officer.dossier", dossier_id=dossier_id)
    try:
        verb(dossier, me(), clock.now())
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        dossier = get_or_404(Dossier, dossier_id)
        task_id = request.form.get("task_id", "")
        task = db.session.get(Task, int(task_id)) if task_id.isdigit() else None
        return render_dossier(
            dossier,
            me(),
            clock.now(),
            task=task,
            errors={exc.field or "form": exc.message},
            form=request.form,
            status=exc.status,
        )
    flash(done.format(code=dossier.code or ""), "success")
    return redirect(back_to(page))


@bp.post("/ho-so/<int:dossier_id>/tiep-nhan")
@officer_required
def receive(dossier_id: int):
    """Accept an online dossier: code, due date and form 01."""
    return _run(
        dossier_id,
        lifecycle.receive,
        "Đã tiếp nhận hồ sơ {code}; Giấy tiếp nhận (mẫu 01) đang được tạo và ký.",
    )


def _items() -> list[str]:
    return [line.strip() for line in request.form.get("items", "").splitlines() if line.strip()]


@bp.post("/ho-so/<int:dossier_id>/bo-sung")
@officer_required
def supplement(dossier_id: int):
    """Ask for a supplement (form 02), once; a second request needs explicit confirmation."""
    acknowledged = request.form.get("acknowledge_late") == "1"
    return _run(
        dossier_id,
        lambda d, u, at: lifecycle.request_supplement(
            d, u, form_text("reason"), _items(), at=at, acknowledge_late=acknowledged
        ),
        "Đã gửi yêu cầu bổ sung (mẫu 02) cho người nộp hồ sơ {code}.",
    )


@bp.post("/ho-so/<int:dossier_id>/tu-choi")
@officer_required
def refuse(dossier_id: int):
    """Refuse with the specific reason (form 03)."""
    return _run(
        dossier_id,
        lambda d, u, at: lifecycle.refuse(d, u, form_text("reason"), at),
        "Đã từ chối hồ sơ; Phiếu từ chối (mẫu 03) đang được tạo và ký.",
    )


@bp.post("/ho-so/<int:dossier_id>/tra-ket-qua")
@officer_required
def hand_over(dossier_id: int):
    """Hand the result over (entry in the tracking book, form 07); the dossier is returned."""
    return _run(
        dossier_id,
        lambda d, u, at: lifecycle.hand_over(d, u, form_text("method"), at),
        "Đã trả kết quả hồ sơ {code}.",
    )


@bp.post("/ho-so/<int:dossier_id>/tam-dung")
@officer_required
def suspend(dossier_id: int):
    """Suspend processing by agreement: the clock stops."""
    return _run(
        dossier_id,
        lambda d, u, at: lifecycle.suspend(d, u, form_text("reason"), at),
        "Đã tạm dừng giải quyết hồ sơ {code}.",
    )


@bp.post("/ho-so/<int:dossier_id>/tiep-tuc")
@officer_required
def resume(dossier_id: int):
    """Resume a suspended dossier; due times move by the suspended working time."""
    return _run(dossier_id, lifecycle.resume, "Đã tiếp tục giải quyết hồ sơ {code}.")


def parse_local_date(value: str, hhmm: str = "17:00") -> datetime | None:
    """A local `YYYY-MM-DD` (and `HH:MM`) as an aware instant; None when blank or malformed."""
    zone = ZoneInfo(current_app.config["ONESTOP_TIMEZONE"])
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
        clock_time = time.fromisoformat((hhmm or "17:00").strip())
    except ValueError:
        return None
    return datetime.combine(day, clock_time, tzinfo=zone)


@bp.post("/ho-so/<int:dossier_id>/xin-loi")
@officer_required
def apologise(dossier_id: int):
    """Apologise for the delay and set the one new date (form 04)."""

    def verb(dossier, user, at):
        """Read the new date in local time, then apologise."""
        new_due_at = parse_local_date(form_text("new_date"), form_text("new_time"))
        if new_due_at is None:
            raise DomainError("chọn ngày hẹn trả mới (ngày/tháng/năm)", field="new_due_at")
        lifecycle.apologise(dossier, user, form_text("reason"), new_due_at, at)

    return _run(
        dossier_id,
        verb,
        "Đã hẹn lại ngày trả hồ sơ {code}; Phiếu xin lỗi (mẫu 04) đang được tạo và ký.",
    )


@bp.get("/ho-so/<int:dossier_id>/phieu-kiem-soat")
@officer_required
def control_sheet(dossier_id: int):
    """Form 06 as it stands: each hand-over with its time and whether it was on time."""
    from onestop.domain.dossiers.queries import control_sheet as rows

    dossier = visible_dossier(dossier_id)
    return render_template("officer/control_sheet.html", dossier=dossier, rows=rows(dossier))


@bp.get("/ho-so/<int:dossier_id>/thanh-phan/<int:part_id>")
@officer_required
def part_file(dossier_id: int, part_id: int):
    """A submitted part, inline for preview or as a download (`?tai=1`)."""
    from io import BytesIO

    from flask import abort, send_file

    from onestop.domain.dossiers.models import DossierPart
    from onestop.services import storage

    visible_dossier(dossier_id)
    part = get_or_404(DossierPart, part_id)
    if part.dossier_id != dossier_id or part.blob is None:
        abort(404)
    response = send_file(
        BytesIO(storage().get(part.blob_sha256)),
        mimetype=part.blob.media_type,
        as_attachment=request.args.get("tai") == "1",
        download_name=part.filename or f"{part.part_code}",
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
