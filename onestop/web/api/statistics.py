"""Statistics over the API: the periodic report with every cell and QĐ 766 indicator."""

from __future__ import annotations

from flask import jsonify

from onestop.domain.statistics.export import report_to_dict
from onestop.domain.statistics.report import ReportQuery, build_report
from onestop.web.statistics import period, staff_query

from .spec import api_user, endpoint

REPORT_PARAMS = [
    {
        "name": "tu",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "Ngày đầu kỳ (YYYY-MM-DD); mặc định đầu năm",
    },
    {
        "name": "den",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "Ngày cuối kỳ (YYYY-MM-DD); mặc định cuối tháng trước",
    },
    {
        "name": "co_quan",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Mã cơ quan (key hoặc mã định danh); gồm cả cơ quan cấp dưới",
    },
    {"name": "thu_tuc", "in": "query", "schema": {"type": "string"}, "description": "Mã thủ tục"},
    {"name": "linh_vuc", "in": "query", "schema": {"type": "string"}, "description": "Lĩnh vực"},
    {
        "name": "nhom",
        "in": "query",
        "schema": {
            "type": "string",
            "enum": ["agency", "procedure", "field", "officer", "unit", "none"],
        },
    },
]


@endpoint(
    "/statistics/report",
    summary="Báo cáo tình hình giải quyết TTHC (mọi chỉ tiêu)",
    tag="Thống kê",
    auth="officer|admin",
    params=REPORT_PARAMS,
)
def statistics_report():
    return jsonify(report_to_dict(build_report(staff_query(api_user()))))


@endpoint(
    "/statistics/on-time",
    summary="Tỷ lệ đúng hạn công khai theo cơ quan",
    tag="Thống kê",
    auth=None,
    params=REPORT_PARAMS[:2],
)
def statistics_on_time():
    first, last = period()
    return jsonify(
        report_to_dict(build_report(ReportQuery(first=first, last=last, group_by="agency")))
    )
