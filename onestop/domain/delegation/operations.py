"""Delegate authority, revoke it, appoint substitutes: validated, audited, flushed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import record
from onestop.domain.org.models import Agency, Position, User
from onestop.extensions import db
from onestop.infra import clock

from .authority import DEPUTY_OF, own_positions
from .competence import procedure_authority, procedures_in_field
from .models import DELEGATION_KINDS, Delegation, Substitution
from .queries import overlapping_delegations, overlapping_substitutions

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _now(at: datetime | None) -> datetime:
    return at if at is not None else clock.now()


def _instant(value, field: str, label: str, *, end: bool = False) -> datetime | None:
    """An aware instant; a bare date means local midnight, an end date the end of that day."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value + timedelta(days=1) if end else value
        return datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    if not isinstance(value, datetime):
        raise DomainError(f"Nhập {label}.", field=field)
    if value.tzinfo is None:
        raise DomainError(f"{label.capitalize()} phải có múi giờ.", field=field)
    return value


def _window(valid_from, valid_to, now: datetime, *, required_to: bool):
    """Check and return (valid_from, valid_to) as aware instants."""
    valid_from = _instant(valid_from, "valid_from", "thời điểm bắt đầu hiệu lực")
    if valid_from is None:
        raise DomainError("Nhập thời điểm bắt đầu hiệu lực.", field="valid_from")
    valid_to = _instant(valid_to, "valid_to", "thời điểm hết hiệu lực", end=True)
    if valid_to is None:
        if required_to:
            raise DomainError(
                "Ủy quyền phải có thời hạn: nhập ngày hết hiệu lực.", field="valid_to"
            )
        return valid_from, None
    if valid_to <= valid_from:
        raise DomainError("Ngày hết hiệu lực phải sau ngày bắt đầu.", field="valid_to")
    if valid_to <= now:
        raise DomainError(
            "Thời hạn này đã kết thúc; nhập ngày hết hiệu lực trong tương lai.", field="valid_to"
        )
    return valid_from, valid_to


def _check_basis(basis_number, basis_date, valid_from: datetime) -> str:
    number = (basis_number or "").strip()
    if not number:
        raise DomainError("Nhập số văn bản làm căn cứ (ví dụ 12/QĐ-UBND).", field="basis_number")
    if not isinstance(basis_date, date) or isinstance(basis_date, datetime):
        raise DomainError("Nhập ngày ban hành văn bản căn cứ.", field="basis_date")
    if basis_date > valid_from.astimezone(LOCAL).date():
        raise DomainError(
            "Văn bản căn cứ phải được ban hành trước khi có hiệu lực.", field="basis_date"
        )
    return number


def _is_admin(user: User) -> bool:
    return user.kind == "admin"


def _officer(user, field: str) -> User:
    if not isinstance(user, User) or not user.active or user.kind == "citizen":
        raise DomainError("Người được chọn phải là cán bộ đang hoạt động.", field=field)
    return user


def _within(agency: Agency, ancestor: Agency) -> bool:
    node = agency
    while node is not None:
        if node.id == ancestor.id:
            return True
        node = node.parent
    return False


def _check_scope(kind: str, delegator: Position, codes: list[str], fields: list[str]) -> None:
    if kind == "TUQ" and not (codes or fields):
        raise DomainError(
            "Ủy quyền phải nêu phạm vi: các thủ tục hoặc lĩnh vực được ủy quyền.",
            field="procedure_codes",
        )
    for code in codes:
        facts = procedure_authority(code)
        if facts is None:
            raise DomainError(f"Thủ tục {code} không có trong danh mục.", field="procedure_codes")
        if not facts.delegable:
            raise DomainError(
                f"Thẩm quyền giải quyết thủ tục {code} không được ủy quyền.",
                field="procedure_codes",
            )
        if not facts.competent(delegator):
            raise DomainError(
                f"{delegator.title} ({delegator.agency.display_name}) không có thẩm quyền "
                f"giải quyết thủ tục {code}; không thể giao lại thẩm quyền mình không có "
                "hoặc chỉ được ủy quyền.",
                field="procedure_codes",
            )
    for field in fields:
        own = [f for f in procedures_in_field(field) if f.delegable and f.competent(delegator)]
        if not own:
            raise DomainError(
                f"{delegator.title} ({delegator.agency.display_name}) không tự mình có thẩm quyền "
                f"giải quyết thủ tục nào (được phép ủy quyền) thuộc lĩnh vực «{field}».",
                field="fields",
            )


def _check_delegate(kind, delegator: Position, delegate_position, delegate_user, at) -> None:
    if (delegate_position is None) == (delegate_user is None):
        raise DomainError("Chọn đúng một người hoặc một chức danh nhận ủy quyền.", field="delegate")
    if delegate_position is not None:
        if delegate_position.id == delegator.id:
            raise DomainError(
                "Không thể ủy quyền cho chính chức danh ủy quyền.", field="delegate_position_id"
            )
        if not delegate_position.active:
            raise DomainError(
                "Chức danh nhận ủy quyền không còn hoạt động.", field="delegate_position_id"
            )
        candidates, field = [delegate_position], "delegate_position_id"
    else:
        _officer(delegate_user, "delegate_user_id")
        held = own_positions(delegate_user, at)
        if any(p.id == delegator.id for p in held):
            raise DomainError(
                "Người nhận ủy quyền đang giữ chính chức danh ủy quyền.", field="delegate_user_id"
            )
        candidates, field = held, "delegate_user_id"
    same_agency = [p for p in candidates if p.agency_id == delegator.agency_id]
    if kind == "KT":
        deputy = DEPUTY_OF.get(delegator.role)
        if deputy is None:
            raise DomainError(
                "Chỉ người đứng đầu (lãnh đạo, trưởng đơn vị) mới giao cấp phó ký thay.",
                field="delegator_position_id",
            )
        unit_id = delegator.unit_id
        if not any(
            p.role == deputy and (unit_id is None or p.unit_id == unit_id) for p in same_agency
        ):
            raise DomainError(
                "Ký thay (KT.) chỉ giao cho cấp phó của cùng cơ quan, đơn vị.", field=field
            )
    elif kind == "TL":
        if delegator.role != "leader":
            raise DomainError(
                "Chỉ người đứng đầu cơ quan mới giao ký thừa lệnh.", field="delegator_position_id"
            )
        if not any(p.role == "office_chief" for p in same_agency):
            raise DomainError(
                "Thừa lệnh (TL.) chỉ giao cho Chánh Văn phòng của cùng cơ quan.", field=field
            )
    elif not any(_within(p.agency, delegator.agency) for p in candidates):
        raise DomainError(
            "Ủy quyền (TUQ.) chỉ giao cho cơ quan, đơn vị thuộc quyền của người ủy "
            "quyền hoặc một người giữ chức danh ở đó.",
            field=field,
        )


def _clean_list(values, field: str) -> list[str]:
    cleaned = []
    for value in values or ():
        if not isinstance(value, str) or not value.strip():
            raise DomainError("Phạm vi có một mục rỗng.", field=field)
        if value.strip() not in cleaned:
            cleaned.append(value.strip())
    return cleaned


def delegate_authority(
    actor: User,
    *,
    kind: str,
    delegator_position: Position,
    delegate_position: Position | None = None,
    delegate_user: User | None = None,
    procedure_codes=(),
    fields=(),
    actions=(),
    basis_number: str,
    basis_date: date,
    valid_from: datetime | date,
    valid_to: datetime | date | None = None,
    basis_type: str = "Quyết định",
    note: str | None = None,
    at: datetime | None = None,
) -> Delegation:
    """Record a delegation after checking it against the rules; audited as `delegation:create`.

    Bare dates are local days, as administrators enter them: from the start of `valid_from` to
    the end of `valid_to` (Asia/Ho_Chi_Minh).
    """
    now = _now(at)
    if kind not in DELEGATION_KINDS:
        raise DomainError(
            f"Hình thức phải là một trong {', '.join(DELEGATION_KINDS)}.", field="kind"
        )
    if not isinstance(delegator_position, Position) or not delegator_position.active:
        raise DomainError("Chọn chức danh ủy quyền đang hoạt động.", field="delegator_position_id")
    holds = any(p.id == delegator_position.id for p in own_positions(actor, now))
    if not (_is_admin(actor) or holds):
        raise Forbidden(
            "Chỉ quản trị viên hoặc người giữ chức danh ủy quyền mới lập được ủy quyền.",
            field="actor",
        )
    valid_from, valid_to = _window(valid_from, valid_to, now, required_to=kind == "TUQ")
    number = _check_basis(basis_number, basis_date, valid_from)
    codes = _clean_list(procedure_codes, "procedure_codes")
    field_names = _clean_list(fields, "fields")
    action_names = _clean_list(actions, "actions")
    _check_scope(kind, delegator_position, codes, field_names)
    _check_delegate(
        kind, delegator_position, delegate_position, delegate_user, max(valid_from, now)
    )
    delegation = Delegation(
        kind=kind,
        delegator_position_id=delegator_position.id,
        delegate_position_id=delegate_position.id if delegate_position is not None else None,
        delegate_user_id=delegate_user.id if delegate_user is not None else None,
        procedure_codes=codes,
        fields=field_names,
        actions=action_names,
        basis_type=(basis_type or "Quyết định").strip(),
        basis_number=number,
        basis_date=basis_date,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(delegation)
    db.session.flush()
    overlaps = [d.id for d in overlapping_delegations(delegation)]
    record(
        "delegation:create",
        f"delegation:{delegation.id}",
        actor=actor,
        at=now,
        principal_position_id=delegator_position.id,
        delegation_id=delegation.id,
        kind=kind,
        delegate_position_id=delegation.delegate_position_id,
        delegate_user_id=delegation.delegate_user_id,
        procedure_codes=codes,
        fields=field_names,
        actions=action_names,
        basis=delegation.basis,
        valid_from=valid_from,
        valid_to=valid_to,
        overlaps=overlaps,
    )
    return delegation


def revoke_delegation(
    delegation: Delegation, actor: User, reason: str, at: datetime | None = None
) -> Delegation:
    """End a delegation at once (from `at`, default now); audited as `delegation:revoke`."""
    now = _now(at)
    if not (
        _is_admin(actor)
        or any(p.id == delegation.delegator_position_id for p in own_positions(actor, now))
    ):
        raise Forbidden(
            "Chỉ quản trị viên hoặc người giữ chức danh ủy quyền mới thu hồi được.", field="actor"
        )
    if delegation.revoked_at is not None:
        raise Conflict("Ủy quyền này đã bị thu hồi.", field="revoked_at")
    if delegation.valid_to is not None and delegation.valid_to <= now:
        raise Conflict("Ủy quyền này đã hết hiệu lực, không cần thu hồi.", field="valid_to")
    if not (reason or "").strip():
        raise DomainError("Nêu lý do thu hồi.", field="reason")
    delegation.revoked_at = now
    delegation.revoked_by_id = actor.id
    delegation.revocation_reason = reason.strip()
    db.session.flush()
    record(
        "delegation:revoke",
        f"delegation:{delegation.id}",
        actor=actor,
        at=now,
        principal_position_id=delegation.delegator_position_id,
        delegation_id=delegation.id,
        reason=delegation.revocation_reason,
    )
    return delegation


def appoint_substitute(
    actor: User,
    *,
    position: Position,
    substitute: User,
    reason: str,
    basis_number: str,
    basis_date: date,
    valid_from: datetime | date,
    valid_to: datetime | date,
    basis_type: str = "Quyết định",
    at: datetime | None = None,
) -> Substitution:
    """Let `substitute` act in `position` during an absence; audited as `delegation:substitute`."""
    now = _now(at)
    if not isinstance(position, Position) or not position.active:
        raise DomainError("Chọn chức danh đang hoạt động.", field="position_id")
    leaders = [
        p
        for p in own_positions(actor, now)
        if p.agency_id == position.agency_id and p.role == "leader"
    ]
    if not (_is_admin(actor) or leaders):
        raise Forbidden(
            "Chỉ quản trị viên hoặc lãnh đạo cơ quan mới phân công người thay thế.", field="actor"
        )
    _officer(substitute, "substitute_user_id")
    if not (reason or "").strip():
        raise DomainError("Nêu lý do vắng mặt.", field="reason")
    valid_from, valid_to = _window(valid_from, valid_to, now, required_to=True)
    number = _check_basis(basis_number, basis_date, valid_from)
    held = own_positions(substitute, max(valid_from, now))
    if any(p.id == position.id for p in held):
        raise DomainError(
            "Người thay thế đang giữ chính chức danh này.", field="substitute_user_id"
        )
    if not any(p.agency_id == position.agency_id for p in held):
        raise DomainError(
            "Người thay thế phải là cán bộ của cùng cơ quan.", field="substitute_user_id"
        )
    substitution = Substitution(
        position_id=position.id,
        substitute_user_id=substitute.id,
        reason=reason.strip(),
        basis_type=(basis_type or "Quyết định").strip(),
        basis_number=number,
        basis_date=basis_date,
        valid_from=valid_from,
        valid_to=valid_to,
        created_at=now,
        created_by_id=actor.id,
    )
    clash = overlapping_substitutions(position.id, valid_from, valid_to)
    if clash:
        raise Conflict(
            f"Chức danh này đã có người thay thế trong thời gian trùng (phân công số "
            f"{clash[0].id}).",
            field="valid_from",
        )
    db.session.add(substitution)
    db.session.flush()
    record(
        "delegation:substitute",
        f"substitution:{substitution.id}",
        actor=actor,
        at=now,
        principal_position_id=position.id,
        substitute_user_id=substitute.id,
        reason=substitution.reason,
        basis=substitution.basis,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return substitution


def revoke_substitution(
    substitution: Substitution, actor: User, reason: str, at: datetime | None = None
) -> Substitution:
    """End a substitution at once; audited as `delegation:substitute:revoke`."""
    now = _now(at)
    if not _is_admin(actor) and not any(
        p.agency_id == substitution.position.agency_id and p.role == "leader"
        for p in own_positions(actor, now)
    ):
        raise Forbidden("Chỉ quản trị viên hoặc lãnh đạo cơ quan mới thu hồi được.", field="actor")
    if substitution.revoked_at is not None:
        raise Conflict("Phân công thay thế này đã bị thu hồi.", field="revoked_at")
    if substitution.valid_to <= now:
        raise Conflict("Phân công thay thế này đã hết hiệu lực.", field="valid_to")
    if not (reason or "").strip():
        raise DomainError("Nêu lý do thu hồi.", field="reason")
    substitution.revoked_at = now
    substitution.revoked_by_id = actor.id
    substitution.revocation_reason = reason.strip()
    db.session.flush()
    record(
        "delegation:substitute:revoke",
        f"substitution:{substitution.id}",
        actor=actor,
        at=now,
        principal_position_id=substitution.position_id,
        reason=reason.strip(),
    )
    return substitution
