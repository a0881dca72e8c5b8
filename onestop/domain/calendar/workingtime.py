"""Working-time arithmetic over a precomputed table of working spans (pure; no database).

Every working span of every working day in the calendar's years is laid out once, as absolute UTC
timestamps, with the cumulative working seconds before each span. An instant maps to a position on
that "working clock" by one bisect, and a position maps back by another, so adding and measuring
working time are O(log n) whatever the distance, across weekends, holidays and year ends.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from onestop.domain import DomainError

MINUTES_PER_DAY = 480
DEFAULT_HOURS = "08:00-12:00,13:00-17:00"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2060, 12, 31)

Span = tuple[int, int]  # seconds since local midnight, start inclusive, end exclusive

_BUDGET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhm])\s*$")
_UNIT_MINUTES = {"d": MINUTES_PER_DAY, "h": 60, "m": 1}


def parse_budget(text: str | int, field: str = "budget") -> int:
    """Working minutes of a budget such as "2d", "0.5d", "4h" or "30m" (1 d = 480 minutes)."""
    if isinstance(text, int) and not isinstance(text, bool):
        minutes = text
    else:
        match = _BUDGET.match(str(text).lower()) if isinstance(text, str) else None
        if not match:
            raise DomainError(
                f"{text!r} is not a time budget; write e.g. 2d, 0.5d, 4h or 30m", field=field
            )
        exact = float(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        minutes = round(exact)
        if abs(exact - minutes) > 1e-9:
            raise DomainError(f"{text!r} is not a whole number of working minutes", field=field)
    if minutes <= 0:
        raise DomainError("a time budget must be longer than zero", field=field)
    return minutes


def format_budget(minutes: int) -> str:
    """The shortest budget string for a number of working minutes ("2d", "4h", "90m")."""
    if minutes % MINUTES_PER_DAY == 0:
        return f"{minutes // MINUTES_PER_DAY}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def parse_hhmm(text: str, field: str = "time") -> int:
    """Seconds since midnight of an "HH:MM" clock time."""
    hours, sep, minutes = str(text).strip().partition(":")
    if not (
        sep and hours.isdigit() and minutes.isdigit() and int(hours) <= 24 and int(minutes) < 60
    ):
        raise DomainError(f"{text!r} is not a clock time; write HH:MM, e.g. 15:00", field=field)
    seconds = int(hours) * 3600 + int(minutes) * 60
    if seconds > 86400:
        raise DomainError(f"{text!r} is after midnight", field=field)
    return seconds


@lru_cache(maxsize=64)
def _cutoff_seconds(cutoff: str) -> int:
    return parse_hhmm(cutoff, "cutoff")


def parse_spans(text: str, field: str = "hours") -> tuple[Span, ...]:
    """Spans of "08:00-12:00,13:00-17:00" as sorted second ranges ("" = no hours)."""
    spans: list[Span] = []
    for part in filter(None, (p.strip() for p in str(text or "").split(","))):
        start, sep, end = part.partition("-")
        if not sep:
            raise DomainError(f"{part!r} is not a span; write HH:MM-HH:MM", field=field)
        spans.append((parse_hhmm(start, field), parse_hhmm(end, field)))
    spans.sort()
    for (a, b), nxt in zip(spans, spans[1:] + [None], strict=True):
        if a >= b:
            raise DomainError(f"{text!r}: each span must start before it ends", field=field)
        if nxt is not None and nxt[0] < b:
            raise DomainError(f"{text!r}: spans overlap", field=field)
    return tuple(spans)


def format_spans(spans: Sequence[Span]) -> str:
    """The "HH:MM-HH:MM,..." text of spans."""

    def hhmm(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"

    return ",".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in spans)


def _aware(at: datetime, field: str) -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise DomainError("an aware datetime (with its time zone) is needed", field=field)
    return at


class WorkingCalendar:
    """Working hours per weekday, days off and extra working days, with O(log n) arithmetic."""

    def __init__(
        self,
        week: Mapping[int, Sequence[Span]],
        days_off: Iterable[date] = (),
        extra_days: Mapping[date, Sequence[Span]] | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        first_day: date = FIRST_DAY,
        last_day: date = LAST_DAY,
    ):
        self.tz = ZoneInfo(timezone)
        self.timezone = timezone
        self.week = {wd: tuple(week.get(wd, ())) for wd in range(7)}
        self.days_off = frozenset(days_off)
        self.extra_days = dict(extra_days or {})
        self.first_day, self.last_day = first_day, last_day
        self._build()

    @classmethod
    def standard(
        cls,
        hours: str = DEFAULT_HOURS,
        holidays: Iterable[date] = (),
        makeup_days: Iterable[date] = (),
        **kwargs,
    ) -> WorkingCalendar:
        """Monday–Friday with `hours`, minus `holidays`, plus make-up days with the same hours."""
        spans = parse_spans(hours)
        week = {wd: spans for wd in range(5)}
        return cls(week, holidays, {d: spans for d in makeup_days}, **kwargs)

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The working spans of a local calendar day (empty when it is not a working day)."""
        if day in self.extra_days:
            return tuple(self.extra_days[day])
        if day in self.days_off:
            return ()
        return self.week[day.weekday()]

    def _build(self) -> None:
        starts: list[float] = []
        cum: list[float] = []
        days: list[int] = []
        midnights: list[float] = []
        span_day: list[int] = []
        day_start: list[float] = []
        day_end: list[float] = []
        total = 0.0
        day = self.first_day
        one = timedelta(days=1)
        while day <= self.last_day:
            spans = self.spans_on(day)
            if spans:
                midnight = datetime.combine(day, time(), self.tz).timestamp()
                days.append(day.toordinal())
                midnights.append(midnight)
                for a, b in spans:
                    span_day.append(len(days) - 1)
                    starts.append(midnight + a)
                    cum.append(total)
                    total += b - a
                day_start.append(midnight + spans[0][0])
                day_end.append(midnight + spans[-1][1])
            day += one
        if not days:
            raise DomainError("the calendar has no working time at all", field="hours")
        self._starts = starts
        self._cum = cum
        self._cum_end = cum[1:] + [total]
        self._ends = [s + (e - c) for s, c, e in zip(starts, cum, self._cum_end, strict=True)]
        self._days = days
        self._midnights = midnights
        self._span_day = span_day
        self._day_start = day_start
        self._day_end = day_end
        self._lo = datetime.combine(self.first_day, time(), self.tz).timestamp()
        self._hi = datetime.combine(self.last_day + one, time(), self.tz).timestamp()

    # -- the working clock -------------------------------------------------------------------

    def _ts(self, at: datetime, field: str = "at") -> float:
        ts = _aware(at, field).timestamp()
        if not self._lo <= ts < self._hi:
            raise DomainError(
                f"{at.isoformat()} is outside the calendar's years "
                f"{self.first_day.year}–{self.last_day.year}",
                field=field,
            )
        return ts

    def _position(self, ts: float) -> float:
        """Working seconds from the calendar's start to the timestamp."""
        j = bisect_right(self._starts, ts) - 1
        if j < 0:
            return 0.0
        return self._cum[j] + min(ts - self._starts[j], self._cum_end[j] - self._cum[j])

    def _instant(self, position: float) -> float:
        """The earliest timestamp at which `position` working seconds have elapsed."""
        j = bisect_left(self._cum_end, position)
        if j >= len(self._starts):
            raise DomainError(
                f"the result falls after the calendar's last year {self.last_day.year}",
                field="minutes",
            )
        return self._starts[j] + (position - self._cum[j])

    @staticmethod
    def _dt(ts: float) -> datetime:
        return datetime.fromtimestamp(ts, UTC)

    # -- public arithmetic -------------------------------------------------------------------

    def is_working_time(self, at: datetime) -> bool:
        """Whether the instant lies inside a working span."""
        ts = self._ts(at)
        j = bisect_right(self._starts, ts) - 1
        return j >= 0 and ts < self._ends[j]

    def next_working_start(self, at: datetime) -> datetime:
        """The instant itself when working time, else the start of the next working span."""
        ts = self._ts(at)
        j = bisect_right(self._starts, ts) - 1
        if j >= 0 and ts < self._ends[j]:
            return at.astimezone(UTC)
        if j + 1 >= len(self._starts):
            raise DomainError("no working time after this instant in the calendar", field="at")
        return self._dt(self._starts[j + 1])

    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        """The instant `minutes` working minutes after `start` (from the next working hour)."""
        if minutes < 0:
            raise DomainError("working minutes to add cannot be negative", field="minutes")
        if minutes == 0:
            return self.next_working_start(start)
        return self._dt(self._instant(self._position(self._ts(start)) + minutes * 60))

    def subtract_minutes(self, end: datetime, minutes: int) -> datetime:
        """The earliest instant `minutes` working minutes before `end` (Fri 17:00, not Mon 8:00)."""
        if minutes < 0:
            raise DomainError("working minutes to subtract cannot be negative", field="minutes")
        position = self._position(self._ts(end, "end")) - minutes * 60
        if position <= 0:
            return self._dt(self._starts[0])
        return self._dt(self._instant(position))

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes from `start` to `end` (negative when `end` is earlier)."""
        seconds = self._position(self._ts(end, "end")) - self._position(self._ts(start, "start"))
        whole = int(abs(seconds) // 60)
        return whole if seconds >= 0 else -whole

    def _receipt(self, received_at: datetime, cutoff: str | None) -> tuple[float, int, bool]:
        """(counting start, receipt day index, moved by the cut-off) of a receipt."""
        ts = self._ts(received_at, "received_at")
        j = bisect_right(self._starts, ts) - 1
        if j < 0 or ts >= self._ends[j]:
            j += 1
            if j >= len(self._starts):
                raise DomainError("no working time after this instant in the calendar", field="at")
            ts = self._starts[j]
        i = self._span_day[j]
        if cutoff and ts - self._midnights[i] >= _cutoff_seconds(cutoff):
            i = self._check_day(i + 1)
            return self._day_start[i], i, True
        return ts, i, False

    def receipt_day(self, received_at: datetime, cutoff: str | None = None) -> datetime:
        """Start of the working day a receipt counts on (next working hour; cut-off applied)."""
        return self._dt(self._day_start[self._receipt(received_at, cutoff)[1]])

    def _check_day(self, i: int) -> int:
        if i >= len(self._days):
            raise DomainError(
                f"the result falls after the calendar's last year {self.last_day.year}",
                field="legal_minutes",
            )
        return i

    def due_at(
        self,
        received_at: datetime,
        legal_minutes: int,
        cutoff: str | None = None,
        same_day: bool = False,
    ) -> datetime:
        """The due instant of a legal time: whole days by Civil Code counting, else working minutes.

        `same_day` procedures are due at the end of the receipt day (after the cut-off: the next).
        """
        if legal_minutes <= 0:
            raise DomainError("the legal time must be longer than zero", field="legal_minutes")
        ts, i, _moved = self._receipt(received_at, cutoff)
        if same_day or legal_minutes % MINUTES_PER_DAY == 0:
            # Counting starts on the working day after the receipt day and ends at the end of a day.
            i += 0 if same_day else legal_minutes // MINUTES_PER_DAY
            return self._dt(self._day_end[self._check_day(i)])
        return self._dt(self._instant(self._position(ts) + legal_minutes * 60))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the `days`-th working day after the day of `start` (Civil Code counting)."""
        if days <= 0:
            raise DomainError("the number of working days must be positive", field="working_days")
        return self.due_at(start, days * MINUTES_PER_DAY)

    def end_of_working_day(self, at: datetime) -> datetime:
        """End of the working day of `at`, or of the next working day when `at` is not in one."""
        return self._dt(self._day_end[self._receipt(at, None)[1]])

    def classify(self, finished_at: datetime, due_at: datetime) -> str:
        """ "early" before the due date's day, "on_time" by the due instant, else "late"."""
        _aware(finished_at, "finished_at")
        _aware(due_at, "due_at")
        if finished_at > due_at:
            return "late"
        if finished_at.astimezone(self.tz).date() < due_at.astimezone(self.tz).date():
            return "early"
        return "on_time"

    def local(self, at: datetime) -> datetime:
        """The instant in the calendar's local time zone."""
        return _aware(at, "at").astimezone(self.tz)

    def working_days_in(self, year: int) -> list[date]:
        """Every working day of a year."""
        lo = bisect_left(self._days, date(year, 1, 1).toordinal())
        hi = bisect_left(self._days, date(year + 1, 1, 1).toordinal())
        return [date.fromordinal(o) for o in self._days[lo:hi]]
