"""The tracking book (form 07): the desk's dossiers over a period, and issuing the signed book."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from onestop.domain import DomainError
from onestop.domain.dossiers.models import Dossier
from onestop.domain.org.models import Agency
from onestop.domain.procedures.models import ProcedureVersion
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.helpers import format_date, format_datetime, local
from onestop.web.security import officer_required

from .blueprint import bp, me
from .desk import desk_agency_ids, parse_local_date

BOOK_LIMIT = 1000


def book_rows(agency_id: int, start: datetime, end: datetime) -> list[dict]:
    """One row per dossier received in [start, end): code, applicant, dates, as on form 07."""
    dossiers = db.session.scalars(
        select(Dossier)
        .where(
            Dossier.receiving_agency_id == agency_id,
            Dossier.received_at >= start,
            Dossier.received_at < end,
        )
        .options(joinedload(Dossier.procedure_version).joinedload(ProcedureVersion.procedure))
        .order_by(Dossier.received_at, Dossier.id)
        .limit(BOOK_LIMIT)
    ).all()
    return [
        {
            "code": d.code,
            "procedure": d.procedure_version.procedure.name,
            "sets": d.sets,
            "applicant": d.applicant_name,
            "contact": ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x),
            "received": format_datetime(d.received_at),
            "due": format_datetime(d.due_at),
            "transferred": format_datetime(d.received_at),
            "processed": format_date(d.processed_at),
            "returned": format_date(d.returned_at),
            "note": d.status if d.status in ("refused", "withdrawn") else "",
        }
        for d in dossiers
    ]


def _period():
    today = local(clock.now()).date()
    start = parse_local_date(
        request.values.get("from") or today.replace(day=1).isoformat(), "00:00"
    )
    end = parse_local_date(request.values.get("to") or today.isoformat(), "00:00")
    if start is None or end is None:
        raise DomainError("nhập khoảng thời gian dạng năm-tháng-ngày", field="from")
    return start, end + timedelta(days=1)


@bp.route("/mot-cua/so-theo-doi", methods=["GET", "POST"])
@officer_required
def tracking_book():
    """The book for one desk agency; POST issues the signed form 07 for the period."""
    at = clock.now()
    agencies = list(
        db.session.scalars(select(Agency).where(Agency.id.in_(desk_agency_ids(me(), at) or [-1])))
    )
    chosen = request.values.get("agency_id", "")
    agency = next((a for a in agencies if str(a.id) == chosen), agencies[0] if agencies else None)
    start, end = _period()
    rows = book_rows(agency.id, start, end) if agency else []
    if request.method == "POST" and agency is not None:
        from onestop.domain.documents.operations import issue_tracking_book

        document = issue_tracking_book(agency, me(), start, end, rows, at=at)
        db.session.commit()
        flash("Sổ theo dõi hồ sơ (mẫu 07) đang được tạo và ký.", "success")
        return redirect(
            url_for(
                "officer.tracking_book",
                agency_id=agency.id,
                document=document.id,
                **{"from": request.values.get("from", ""), "to": request.values.get("to", "")},
            )
        )
    return render_template(
        "officer/tracking_book.html",
        agencies=agencies,
        agency=agency,
        rows=rows,
        start=start,
        end=end - timedelta(days=1),
        document_id=request.args.get("document", type=int),
    )
