"""Template filters and small helpers shared by every page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def local(dt: datetime | None) -> datetime | None:
    """An aware UTC datetime in the configured local time zone."""
    if dt is None:
        return None
    return dt.astimezone(ZoneInfo(current_app.config["ONESTOP_TIMEZONE"]))


def format_datetime(dt: datetime | None) -> str:
    """`hh:mm dd/mm/yyyy` in local time, as printed on the official forms."""
    value = local(dt)
    return value.strftime("%H:%M %d/%m/%Y") if value else ""


def format_date(dt: datetime | None) -> str:
    value = local(dt)
    return value.strftime("%d/%m/%Y") if value else ""


STATUS_LABELS = {
    "draft": "Bản nháp",
    "submitted": "Chờ tiếp nhận",
    "received": "Đã tiếp nhận",
    "processing": "Đang giải quyết",
    "supplement_requested": "Chờ bổ sung",
    "suspended": "Tạm dừng",
    "processed": "Đã có kết quả",
    "returned": "Đã trả kết quả",
    "refused": "Từ chối",
    "withdrawn": "Đã rút / dừng",
    "cancelled": "Đã hủy",
}
CLASS_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(lambda s: STATUS_LABELS.get(s, s), "status_label")
    app.add_template_filter(lambda s: CLASS_LABELS.get(s, s or ""), "class_label")
