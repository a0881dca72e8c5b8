"""Due-date computations per second: the O(log n) WorkingCalendar against a naive day-by-day loop.

Both compute the same due instants for the same random receipts (5–60 working days, or 1–40
working hours, cut-off 15:00 on half of them) on the same holiday data, in one process, and the
naive results are checked against the calendar's before timing.
Run: `python bench/bench_due_dates.py [N]`.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from onestop.domain.calendar.seed import LIBRARY_YEARS, national_days
from onestop.domain.calendar.workingtime import WorkingCalendar

GOAL = 100_000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def build_calendar() -> WorkingCalendar:
    days = national_days(LIBRARY_YEARS)
    return WorkingCalendar.standard(
        holidays=[d.day for d in days if d.kind == "holiday"],
        makeup_days=[d.day for d in days if d.kind == "makeup_workday"],
    )


class NaiveCalendar:
    """The textbook loop: walk one calendar day at a time, checking weekends and a holiday set."""

    SPANS = ((8, 12), (13, 17))

    def __init__(self, holidays: set[date], makeup: set[date]):
        self.holidays, self.makeup = holidays, makeup

    def working(self, day: date) -> bool:
        return day in self.makeup or (day.weekday() < 5 and day not in self.holidays)

    def next_working_start(self, local: datetime) -> datetime:
        while True:
            day = local.date()
            if self.working(day):
                for a, b in self.SPANS:
                    start, end = (
                        local.replace(hour=a, minute=0, second=0, microsecond=0),
                        local.replace(hour=b, minute=0, second=0, microsecond=0),
                    )
                    if local < end:
                        return max(local, start)
            local = datetime.combine(day + timedelta(days=1), datetime.min.time(), TZ)

    def due_at(self, received: datetime, minutes: int, cutoff: str | None) -> datetime:
        local = self.next_working_start(received.astimezone(TZ))
        day = local.date()
        if cutoff and local.strftime("%H:%M") >= cutoff:
            day += timedelta(days=1)
            while not self.working(day):
                day += timedelta(days=1)
            local = datetime.combine(day, datetime.min.time(), TZ).replace(hour=8)
        if minutes % 480 == 0:
            for _ in range(minutes // 480):
                day += timedelta(days=1)
                while not self.working(day):
                    day += timedelta(days=1)
            return datetime.combine(day, datetime.min.time(), TZ).replace(hour=17).astimezone(UTC)
        remaining = minutes
        while True:
            for a, b in self.SPANS:
                end = local.replace(hour=b, minute=0, second=0, microsecond=0)
                start = max(local, local.replace(hour=a, minute=0, second=0, microsecond=0))
                if start >= end:
                    continue
                available = int((end - start).total_seconds() // 60)
                if remaining <= available:
                    return (start + timedelta(minutes=remaining)).astimezone(UTC)
                remaining -= available
            local = self.next_working_start(
                datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), TZ)
            )


def cases(n: int, seed: int = 2026) -> list[tuple[datetime, int, str | None]]:
    rng = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for _ in range(n):
        received = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 3))
        minutes = rng.randint(5, 60) * 480 if rng.random() < 0.7 else rng.randint(1, 40) * 60
        out.append((received, minutes, "15:00" if rng.random() < 0.5 else None))
    return out


def rate(func, work) -> tuple[float, float]:
    start = time.perf_counter()
    for received, minutes, cutoff in work:
        func(received, minutes, cutoff)
    elapsed = time.perf_counter() - start
    return len(work) / elapsed, elapsed


def main(n: int = 200_000) -> int:
    calendar = build_calendar()
    days = national_days(LIBRARY_YEARS)
    naive = NaiveCalendar(
        {d.day for d in days if d.kind == "holiday"},
        {d.day for d in days if d.kind == "makeup_workday"},
    )
    work = cases(n)
    sample = work[:2000]
    mismatches = [c for c in sample if calendar.due_at(*c) != naive.due_at(*c)]
    if mismatches:
        print(f"MISMATCH on {len(mismatches)} of {len(sample)} cases, e.g. {mismatches[0]}")
        return 1
    fast, fast_s = rate(calendar.due_at, work)
    naive_work = work[: max(n // 20, 1000)]
    slow, slow_s = rate(naive.due_at, naive_work)
    print(f"checked {len(sample)} cases: both agree")
    print(f"WorkingCalendar.due_at: {fast:,.0f} due dates/s ({len(work):,} in {fast_s:.2f} s)")
    print(
        f"naive day-by-day loop:  {slow:,.0f} due dates/s ({len(naive_work):,} in {slow_s:.2f} s)"
    )
    print(f"ratio: {fast / slow:.1f}x; goal >= {GOAL:,}/s: {'met' if fast >= GOAL else 'NOT met'}")
    return 0 if fast >= GOAL else 2


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000))
