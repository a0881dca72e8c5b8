"""The cells of the periodic report: each a SQL condition on a fact table for [start, end).

One definition serves both the counts (SUM of CASE) and the drill-down (the dossiers behind a cell),
so a number and its list can never disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, func, or_

from onestop.domain.statistics.indicators import HISTOGRAM_DAYS, MINUTES_PER_DAY

# Order and labels of the report's columns (the layout of the periodic report).
CELL_LABELS: dict[str, str] = {
    "carried_over": "Kỳ trước chuyển sang",
    "new_online": "Mới tiếp nhận trực tuyến",
    "new_desk": "Mới tiếp nhận trực tiếp",
    "new_post": "Mới tiếp nhận qua bưu chính",
    "received": "Tổng số hồ sơ",
    "resolved_early": "Giải quyết trước hạn",
    "resolved_on_time": "Giải quyết đúng hạn",
    "resolved_late_apology": "Quá hạn, có xin lỗi",
    "resolved_late_no_apology": "Quá hạn, không xin lỗi",
    "resolved": "Tổng đã giải quyết",
    "in_progress_within": "Đang giải quyết trong hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    "in_progress": "Tổng đang giải quyết",
    "withdrawn": "Rút / dừng giải quyết",
    "refused": "Từ chối",
    "returned": "Đã trả kết quả",
    "ended_on_time": "Kết thúc đúng hạn (chỉ số 2.1)",
    "online_resolved_electronic": "Trả kết quả điện tử",
    "digitised_resolved": "Số hóa và trả kết quả điện tử",
    "new_reused": "Tái sử dụng dữ liệu",
    "complaints": "Có phản ánh, kiến nghị",
    "rated": "Đã đánh giá",
}
CELLS = tuple(CELL_LABELS)


def conditions(model, start: datetime, end: datetime) -> dict:
    """Every cell's condition on `model` (DossierFact or AgencyPartFact) for [start, end)."""
    m = model
    open_at_end = and_(m.received_at < end, or_(m.ended_at.is_(None), m.ended_at >= end))
    ended_in = and_(m.ended_at >= start, m.ended_at < end)
    new = and_(m.received_at >= start, m.received_at < end)
    resolved = and_(ended_in, m.outcome == "resolved")
    late_at_end = and_(m.late_since.is_not(None), m.late_since < end)
    in_scope = or_(
        and_(m.received_at < end, or_(m.ended_at.is_(None), m.ended_at >= start)),
        and_(m.returned_at >= start, m.returned_at < end),
    )
    carried = and_(m.received_at < start, or_(m.ended_at.is_(None), m.ended_at >= start))
    return {
        "_scope": in_scope,
        "carried_over": carried,
        "new_online": and_(new, m.channel == "online"),
        "new_desk": and_(new, m.channel == "desk"),
        "new_post": and_(new, m.channel == "post"),
        "received": or_(carried, new),
        "resolved_early": and_(resolved, m.classification == "early"),
        "resolved_on_time": and_(resolved, m.classification == "on_time"),
        "resolved_late_apology": and_(resolved, m.classification == "late", m.apology.is_(True)),
        "resolved_late_no_apology": and_(
            resolved, m.classification == "late", m.apology.is_(False)
        ),
        "resolved": resolved,
        "in_progress_within": and_(open_at_end, ~late_at_end),
        "in_progress_overdue": and_(open_at_end, late_at_end),
        "in_progress": open_at_end,
        "withdrawn": and_(ended_in, m.outcome == "withdrawn"),
        "refused": and_(ended_in, m.outcome == "refused"),
        "returned": and_(m.returned_at >= start, m.returned_at < end),
        # QĐ 766 2.1: an ended dossier is on time when its end <= due (early or on time, any
        # outcome); an open one when the period end is not past its due (nor a 2nd supplement).
        "ended_on_time": or_(
            and_(ended_in, m.classification.in_(("early", "on_time"))),
            and_(open_at_end, ~late_at_end),
        ),
        "online_resolved_electronic": and_(resolved, m.electronic_result.is_(True)),
        "digitised_resolved": and_(resolved, m.electronic_result.is_(True), m.digitised.is_(True)),
        "new_reused": and_(new, m.reused.is_(True)),
        "complaints": and_(or_(carried, new), m.complaint.is_(True)),
        "rated": and_(or_(carried, new), m.rating.is_not(None)),
    }


def histogram_conditions(model) -> list:
    """For each processing-time bucket, the condition on `working_minutes` that falls in it."""
    minutes = func.coalesce(model.working_minutes, 0)
    bounds = [d * MINUTES_PER_DAY for d in HISTOGRAM_DAYS[:-1]]
    found = []
    for i in range(len(HISTOGRAM_DAYS)):
        parts = []
        if i:
            parts.append(minutes > bounds[i - 1])
        if i < len(bounds):
            parts.append(minutes <= bounds[i])
        found.append(and_(*parts))
    return found


def condition(model, cell: str, start: datetime, end: datetime):
    """The condition of one named cell; unknown names match nothing."""
    return conditions(model, start, end).get(cell, false())
