"""QĐ 766/QĐ-TTg service indicators computed from a row of report cells."""

from __future__ import annotations

MINUTES_PER_DAY = 480
# Processing-time histogram: upper bounds in working days (the last bucket is open-ended).
HISTOGRAM_DAYS = (0.5, 1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, None)
HISTOGRAM = tuple(f"hist_{i:02d}" for i in range(len(HISTOGRAM_DAYS)))


def bucket_of(minutes: int) -> int:
    """The histogram bucket of a processing time in working minutes."""
    for i, days in enumerate(HISTOGRAM_DAYS[:-1]):
        if minutes <= days * MINUTES_PER_DAY:
            return i
    return len(HISTOGRAM_DAYS) - 1


def percentile_days(histogram: list[int], percent: int) -> float | None:
    """The bound (working days) within which `percent`% of resolved dossiers were processed.

    Read from the histogram, so the facts and the rollups give the same answer; None when no
    dossier was resolved, and the last finite bound's successor (infinity) shows as None too.
    """
    total = sum(histogram)
    if not total:
        return None
    needed, running = total * percent / 100.0, 0
    for count, days in zip(histogram, HISTOGRAM_DAYS, strict=True):
        running += count
        if running >= needed:
            return days
    return None


INDICATOR_LABELS: dict[str, str] = {
    "on_time_rate": "2.1 Tỷ lệ giải quyết đúng hạn (%)",
    "average_minutes": "2.2 Thời gian giải quyết trung bình (phút làm việc)",
    "average_days": "2.2 Thời gian giải quyết trung bình (ngày làm việc)",
    "p50_days": "50% hồ sơ giải quyết trong (ngày làm việc)",
    "p90_days": "90% hồ sơ giải quyết trong (ngày làm việc)",
    "online_share": "Tỷ lệ hồ sơ trực tuyến (%)",
    "electronic_result_share": "Tỷ lệ trả kết quả điện tử (%)",
    "digitisation_share": "Tỷ lệ số hóa hồ sơ, kết quả (%)",
    "reuse_share": "Tỷ lệ tái sử dụng dữ liệu (%)",
    "complaint_share": "Tỷ lệ có phản ánh, kiến nghị (%)",
    "satisfaction": "Mức độ hài lòng (%)",
    "average_rating": "Điểm đánh giá trung bình (1-5)",
}


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def indicators(
    cells: dict[str, int], minutes: int, stars: int, histogram: list[int] | None = None
) -> dict[str, float | None]:
    """Every indicator of one row; None where the denominator is zero (shown as a dash)."""
    received = cells["received"]
    new = cells["new_online"] + cells["new_desk"] + cells["new_post"]
    resolved = cells["resolved"]
    on_time = _pct(cells["ended_on_time"], received)
    complaints = _pct(cells["complaints"], received)
    satisfaction = None
    if on_time is not None:
        # 100% − (late % + % with complaints), where late % is the complement of indicator 2.1.
        satisfaction = round(max(0.0, 100.0 - ((100.0 - on_time) + (complaints or 0.0))), 2)
    average = round(minutes / resolved, 1) if resolved else None
    return {
        "on_time_rate": on_time,
        "average_minutes": average,
        "average_days": round(average / MINUTES_PER_DAY, 2) if average is not None else None,
        "p50_days": percentile_days(histogram or [], 50),
        "p90_days": percentile_days(histogram or [], 90),
        "online_share": _pct(cells["new_online"], new),
        "electronic_result_share": _pct(cells["online_resolved_electronic"], resolved),
        "digitisation_share": _pct(cells["digitised_resolved"], resolved),
        "reuse_share": _pct(cells["new_reused"], new),
        "complaint_share": complaints,
        "satisfaction": satisfaction,
        "average_rating": round(stars / cells["rated"], 2) if cells["rated"] else None,
    }
