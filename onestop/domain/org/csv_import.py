"""Import people from CSV: each good row an account (and a holding), each bad row reported."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from onestop.domain import DomainError
from onestop.extensions import db

from .models import Agency, Position
from .operations import assign_position, create_person, require_admin

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
COLUMNS = (
    "username",
    "full_name",
    "kind",
    "email",
    "phone",
    "id_number",
    "agency",
    "position",
    "starts_on",
)
REQUIRED_COLUMNS = ("username", "full_name", "kind")
MAX_ROWS = 5000


@dataclass(frozen=True)
class RejectedRow:
    line: int
    username: str
    field: str | None
    reason: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("Tệp CSV phải mã hóa UTF-8.", field="file")


def _start(raw: str | None) -> datetime:
    if not raw:
        return datetime.combine(date.today(), datetime.min.time(), LOCAL)
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        try:
            day = datetime.strptime(raw.strip(), "%d/%m/%Y").date()
        except ValueError:
            raise DomainError(
                "Ngày bắt đầu phải theo dạng dd/mm/yyyy hoặc yyyy-mm-dd.", field="starts_on"
            ) from None
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def _position(agency_key: str | None, position_key: str | None) -> Position | None:
    if not agency_key and not position_key:
        return None
    if not (agency_key and position_key):
        raise DomainError(
            "Nhập cả mã cơ quan và mã chức danh, hoặc bỏ trống cả hai.", field="position"
        )
    agency = db.session.scalar(select(Agency).where(Agency.key == agency_key.strip()))
    if agency is None:
        raise DomainError(f"Không có cơ quan mã {agency_key}.", field="agency")
    position = db.session.scalar(
        select(Position).where(
            Position.agency_id == agency.id, Position.key == position_key.strip()
        )
    )
    if position is None:
        raise DomainError(
            f"{agency.display_name} không có chức danh mã {position_key}.", field="position"
        )
    return position


def _import_row(actor, row: dict) -> str:
    values = {name: (row.get(name) or "").strip() or None for name in COLUMNS}
    position = _position(values.pop("agency"), values.pop("position"))
    starts_at = _start(values.pop("starts_on"))
    user = create_person(actor, without_password=True, **values)
    if position is not None:
        assign_position(actor, user, position, starts_at=starts_at)
    return user.username


def import_people(actor, data: bytes | str) -> ImportReport:
    """Create one account per good row (without a password) and report every rejected row."""
    require_admin(actor)
    reader = csv.DictReader(io.StringIO(_decode(data)))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise DomainError(
            f"Thiếu cột: {', '.join(missing)}. Các cột: {', '.join(COLUMNS)}.", field="file"
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise DomainError(
            f"Cột không dùng được: {', '.join(unknown)}. Các cột: {', '.join(COLUMNS)}.",
            field="file",
        )
    reader.fieldnames = header
    report = ImportReport()
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise DomainError(f"Mỗi lần nhập tối đa {MAX_ROWS} dòng.", field="file")
        if None in row:
            report.rejected.append(
                RejectedRow(
                    number, row.get("username") or "", None, "Dòng có nhiều cột hơn tiêu đề."
                )
            )
            continue
        savepoint = db.session.begin_nested()
        try:
            report.created.append(_import_row(actor, row))
            savepoint.commit()
        except DomainError as exc:
            savepoint.rollback()
            report.rejected.append(
                RejectedRow(number, (row.get("username") or "").strip(), exc.field, exc.message)
            )
    return report
