"""National days off and make-up working days: the `holidays` library plus Government notices.

Data sources, in order of precedence:
1. GOVERNMENT_DAYS below: days fixed by the Prime Minister's yearly notices on Tết and National Day
   leave for civil servants (Ministry of Home Affairs announcements), entered by hand. Each
   entry names the notice it comes from. They win over the library for the same day.
2. The `holidays` package (python-holidays, country "VN", Vietnamese names): Labour Code
   Art. 112 days, the observed-day rule (a holiday on a weekend is given on the next working
   day) and the special swaps it knows, whose make-up Saturdays it exposes as `weekend_workdays`.
An administrator adds anything else (a new swap, a local day off) as an `admin` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_lib

SEED_YEARS = range(2025, 2029)
LIBRARY_YEARS = range(2000, 2061)


@dataclass(frozen=True)
class CalendarDay:
    """One national day off or make-up working day as seeded."""

    day: date
    name: str
    kind: str  # "holiday" | "makeup_workday"
    source: str  # "library" | "government"


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _weekdays(first: date, last: date) -> list[date]:
    return [d for d in _span(first, last) if d.weekday() < 5]


# Civil servants' Tết 2026 leave: Saturday 14/2 to Sunday 22/2/2026 (9 days; Prime Minister's
# agreement to the Ministry of Home Affairs' proposal, quoted in DOMAIN.md). Weekends are off
# anyway, so the working days it takes away are Monday 16 to Friday 20/2.
_TET_2026 = "Nghỉ Tết Nguyên Đán Bính Ngọ (14/2–22/2/2026, thông báo của Chính phủ)"
# National Day 2025 (80th anniversary): Saturday 30/8 to Tuesday 2/9/2025.
_QK_2025 = "Nghỉ lễ Quốc khánh 2/9 (30/8–2/9/2025, thông báo của Chính phủ)"
# 30/4–1/5/2025: off Wednesday 30/4 to Sunday 4/5, Friday 2/5 swapped with Saturday 26/4/2025.
_LD_2025 = "Nghỉ lễ 30/4–1/5 (30/4–4/5/2025, hoán đổi ngày làm việc 2/5 sang thứ Bảy 26/4)"

GOVERNMENT_DAYS: tuple[CalendarDay, ...] = (
    *(
        CalendarDay(d, _TET_2026, "holiday", "government")
        for d in _weekdays(date(2026, 2, 14), date(2026, 2, 22))
    ),
    *(
        CalendarDay(d, _QK_2025, "holiday", "government")
        for d in _weekdays(date(2025, 8, 30), date(2025, 9, 2))
    ),
    *(
        CalendarDay(d, _LD_2025, "holiday", "government")
        for d in _weekdays(date(2025, 4, 30), date(2025, 5, 4))
    ),
    CalendarDay(date(2025, 4, 26), "Làm bù cho ngày nghỉ 2/5/2025", "makeup_workday", "government"),
)


def library_days(years: Iterable[int]) -> list[CalendarDay]:
    """Weekday days off (weekends are off anyway) and make-up Saturdays from python-holidays."""
    years = list(years)
    vn = holidays_lib.country_holidays("VN", years=years, language="vi")
    days = [
        CalendarDay(d, name, "holiday", "library")
        for d, name in sorted(vn.items())
        if d.weekday() < 5
    ]
    days += [
        CalendarDay(d, "Ngày làm việc bù", "makeup_workday", "library")
        for d in sorted(vn.weekend_workdays)
        if d.year in years
    ]
    return days


def national_days(years: Iterable[int] = SEED_YEARS) -> list[CalendarDay]:
    """The seeded national days of `years`, Government notices overriding the library per day."""
    years = set(years)
    merged = {entry.day: entry for entry in library_days(sorted(years))}
    merged.update({entry.day: entry for entry in GOVERNMENT_DAYS if entry.day.year in years})
    return sorted(merged.values(), key=lambda entry: entry.day)
