"""Demo delegations: the Hà Nội examples of DOMAIN.md, a KT. deputy and an expired one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from onestop.domain.org.models import Agency, Position, User
from onestop.extensions import db
from onestop.infra import clock

from .competence import procedure_authority
from .models import Delegation
from .operations import delegate_authority

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


# (kind, delegator agency/position, delegate agency/position, scope, basis number, basis date,
#  valid from, valid to, note)
DEMO_DELEGATIONS = [
    (
        "TUQ",
        ("UBND-TINH", "chairman"),
        ("SNV", "director"),
        {"procedure_codes": ["1.004227"]},
        "12/QĐ-UBND",
        date(2026, 1, 5),
        date(2026, 1, 6),
        date(2028, 1, 1),
        "Chủ tịch UBND tỉnh ủy quyền Giám đốc Sở Nội vụ phê duyệt đề án vị trí việc làm.",
    ),
    (
        "TUQ",
        ("SNV", "director"),
        ("BTG", "head"),
        {"fields": ["Tín ngưỡng, tôn giáo"]},
        "25/QĐ-SNV",
        date(2026, 1, 10),
        date(2026, 1, 12),
        date(2028, 1, 1),
        "Sở Nội vụ ủy quyền Ban Tôn giáo giải quyết các thủ tục lĩnh vực tín ngưỡng, tôn giáo.",
    ),
    (
        "KT",
        ("UBND-TINH", "chairman"),
        ("UBND-TINH", "vice_chairman"),
        {"fields": ["Tổ chức phi chính phủ"]},
        "05/QĐ-UBND",
        date(2026, 1, 2),
        date(2026, 1, 2),
        None,
        "Phân công Phó Chủ tịch phụ trách lĩnh vực tổ chức phi chính phủ (ký thay Chủ tịch).",
    ),
    (
        "KT",
        ("STP", "director"),
        ("STP", "deputy_director"),
        {"fields": ["Lý lịch tư pháp"]},
        "40/QĐ-STP",
        date(2025, 6, 25),
        date(2025, 7, 1),
        date(2026, 1, 1),
        "Phân công Phó Giám đốc ký thay Giám đốc phiếu lý lịch tư pháp năm 2025 (đã hết hạn).",
    ),
]


def _position(agency_key: str, key: str) -> Position | None:
    return db.session.scalar(
        select(Position)
        .join(Agency, Agency.id == Position.agency_id)
        .where(Agency.key == agency_key, Position.key == key)
    )


def seed_delegations() -> list[Delegation]:
    """Create the demo delegations that do not exist yet (idempotent); flushes, never commits."""
    admin = db.session.scalar(select(User).where(User.kind == "admin").order_by(User.id))
    if admin is None:
        return []
    created = []
    for kind, (agency, key), (
        to_agency,
        to_key,
    ), scope, number, issued, start, end, note in DEMO_DELEGATIONS:
        delegator, delegate = _position(agency, key), _position(to_agency, to_key)
        if delegator is None or delegate is None:
            continue
        exists = db.session.scalar(
            select(Delegation.id).where(
                Delegation.delegator_position_id == delegator.id, Delegation.basis_number == number
            )
        )
        if exists is not None:
            continue
        if any(procedure_authority(code) is None for code in scope.get("procedure_codes", ())):
            continue  # the procedure is not in the catalogue (workflows not published)
        valid_from = _local(start)
        valid_to = _local(end) if end is not None else None
        now = clock.now()
        # The expired one is recorded as of the eve of its start, when it could still be made.
        at = now if valid_to is None or valid_to > now else valid_from - timedelta(hours=1)
        created.append(
            delegate_authority(
                admin,
                kind=kind,
                delegator_position=delegator,
                delegate_position=delegate,
                basis_number=number,
                basis_date=issued,
                valid_from=valid_from,
                valid_to=valid_to,
                note=note,
                at=at,
                **scope,
            )
        )
    return created
