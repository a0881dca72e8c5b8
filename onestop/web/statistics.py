"""Statistics pages: the public on-time page, the leader's dashboard, drill-down and downloads."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from onestop.domain import DomainError, Forbidden
from onestop.domain.org.models import Agency, Position, PositionHolding
from onestop.domain.statistics import timing
from onestop.domain.statistics.cells import CELL_LABELS
from onestop.domain.statistics.drilldown import DEFAULT_LIMIT, dossiers_behind
from onestop.domain.statistics.export import TABLE_CELLS, report_to_csv, report_to_xlsx
from onestop.domain.statistics.indicators import INDICATOR_LABELS
from onestop.domain.statistics.report import ReportQuery, build_report, subtree_ids
from onestop.domain.statistics.trend import monthly_trend
from onestop.extensions import db
from onestop.infra import clock
from onestop.web.main import landing_link
from onestop.web.security import role_required

bp = Blueprint("statistics", __name__)
staff_required = role_required("officer", "admin")

landing_link(
    "officer",
    "statistics.dashboard",
    "Thống kê, báo cáo",
    "Tỷ lệ đúng hạn, hồ sơ quá hạn, báo cáo định kỳ",
)
landing_link(
    "admin",
    "statistics.dashboard",
    "Thống kê, báo cáo",
    "Báo cáo tình hình giải quyết TTHC toàn tỉnh",
)
landing_link(
    "public",
    "statistics.public",
    "Thống kê đúng hạn",
    "Tỷ lệ giải quyết hồ sơ đúng hạn theo cơ quan và thủ tục",
)


def _day(name: str, default: date) -> date:
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError("Ngày phải theo dạng YYYY-MM-DD.", field=name) from None


def period() -> tuple[date, date]:
    """The period in the URL; by default the year so far up to the last closed month."""
    today = clock.now().astimezone(timing.zone()).date()
    last_closed = today.replace(day=1) - timedelta(days=1)
    last = _day("den", last_closed)
    return _day("tu", date(last.year, 1, 1)), last


def _agency_by_key(key: str | None) -> Agency | None:
    if not key:
        return None
    agency = db.session.scalar(select(Agency).where(or_(Agency.key == key, Agency.eid == key)))
    if agency is None:
        raise DomainError("Không tìm thấy cơ quan.", field="co_quan")
    return agency


def _scope_roots(user) -> list[int] | None:
    """Agencies whose subtree the user may see (None: everything, for administrators)."""
    if user.kind == "admin":
        return None
    now = clock.now()
    return list(
        db.session.scalars(
            select(Position.agency_id)
            .join(PositionHolding, PositionHolding.position_id == Position.id)
            .where(
                PositionHolding.user_id == user.id,
                PositionHolding.starts_at <= now,
                or_(PositionHolding.ends_at.is_(None), PositionHolding.ends_at > now),
            )
            .distinct()
        )
    )


def staff_query(user=None) -> ReportQuery:
    """The report asked for in the URL, limited to what the officer (default: signed in) may see."""
    first, last = period()
    agency = _agency_by_key(request.args.get("co_quan"))
    roots = _scope_roots(user or current_user)
    if roots is not None:
        if not roots:
            raise Forbidden("Bạn không giữ chức danh nào ở cơ quan để xem thống kê.")
        if agency is None:
            agency = db.session.get(Agency, roots[0])
        elif not any(agency.id in subtree_ids(root) for root in roots):
            raise Forbidden("Bạn chỉ xem được thống kê của cơ quan mình.", field="co_quan")
    officer = request.args.get("can_bo", type=int)
    return ReportQuery(
        first=first,
        last=last,
        agency_id=agency.id if agency else None,
        procedure_code=request.args.get("thu_tuc") or None,
        field=request.args.get("linh_vuc") or None,
        officer_id=officer,
        group_by=request.args.get("nhom", "agency"),
    )


def _filters_args(query: ReportQuery) -> dict:
    agency = db.session.get(Agency, query.agency_id) if query.agency_id else None
    args = {"tu": query.first.isoformat(), "den": query.last.isoformat(), "nhom": query.group_by}
    if agency is not None:
        args["co_quan"] = agency.key
    for name, value in (
        ("thu_tuc", query.procedure_code),
        ("linh_vuc", query.field),
        ("can_bo", query.officer_id),
    ):
        if value:
            args[name] = value
    return args


def _visible_agencies(roots: list[int] | None) -> list[Agency]:
    agencies = db.session.scalars(select(Agency).order_by(Agency.id)).all()
    if roots is None:
        return list(agencies)
    allowed = {a for root in roots for a in subtree_ids(root)}
    return [a for a in agencies if a.id in allowed]


@bp.get("/thong-ke")
def public():
    """On-time rates per agency and per procedure, open to everyone."""
    first, last = period()
    by_agency = build_report(ReportQuery(first=first, last=last, group_by="agency"))
    by_procedure = build_report(ReportQuery(first=first, last=last, group_by="procedure"))
    return render_template(
        "statistics/public.html",
        first=first,
        last=last,
        by_agency=by_agency,
        by_procedure=by_procedure,
    )


@bp.get("/thong-ke/bang-dieu-khien")
@staff_required
def dashboard():
    """The leader's dashboard: the periodic report with charts; every number drills down."""
    query = staff_query()
    report = build_report(query)
    return render_template(
        "statistics/dashboard.html",
        report=report,
        query=query,
        args=_filters_args(query),
        trend_points=monthly_trend(query),
        cells=TABLE_CELLS,
        cell_labels=CELL_LABELS,
        indicator_labels=INDICATOR_LABELS,
        agencies=_visible_agencies(_scope_roots(current_user)),
    )


@bp.get("/thong-ke/chi-tiet")
@staff_required
def drilldown():
    """The dossiers behind one number of the dashboard."""
    query = staff_query()
    cell = request.args.get("o", "")
    key = request.args.get("dong") or None
    facts = dossiers_behind(query, cell, key, limit=DEFAULT_LIMIT + 1)
    return render_template(
        "statistics/drilldown.html",
        query=query,
        cell=cell,
        cell_label=CELL_LABELS.get(cell, cell),
        facts=facts[:DEFAULT_LIMIT],
        truncated=len(facts) > DEFAULT_LIMIT,
        key=key,
        back=url_for("statistics.dashboard", **_filters_args(query)),
    )


@bp.get("/thong-ke/bao-cao.<fmt>")
@staff_required
def download(fmt: str):
    """The dashboard's report as XLSX (periodic-report layout) or CSV."""
    query = staff_query()
    report = build_report(query)
    name = f"bao-cao-{query.first:%Y%m%d}-{query.last:%Y%m%d}"
    if fmt == "xlsx":
        return Response(
            report_to_xlsx(report),
            headers={
                "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Content-Disposition": f'attachment; filename="{name}.xlsx"',
            },
        )
    if fmt == "csv":
        return Response(
            "\ufeff" + report_to_csv(report),
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{name}.csv"',
            },
        )
    raise DomainError("Định dạng tải về là xlsx hoặc csv.", field="fmt")
