"""Administer the org tree and its people: validated, audited with before/after, flushed."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from onestop.domain import Conflict, DomainError, Forbidden
from onestop.domain.audit.log import record
from onestop.extensions import db
from onestop.infra import clock

from .models import AGENCY_LEVELS, ROLES, USER_KINDS, Agency, Position, PositionHolding, Unit, User
from .passwords import MIN_LENGTH, hash_password

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
EID_PATTERN = re.compile(r"^[A-Z][0-9A-Z]*(\.[0-9A-Z]+)*$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{2,79}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 .\-]{8,20}$")
ID_NUMBER_PATTERN = re.compile(r"^[0-9]{9}([0-9]{3})?$")

AGENCY_FIELDS = (
    "key",
    "eid",
    "name",
    "short_name",
    "level",
    "collective",
    "parent_id",
    "address",
    "active",
)
UNIT_FIELDS = ("key", "name", "one_stop", "active")
POSITION_FIELDS = ("key", "title", "role", "unit_id", "active")
USER_FIELDS = ("username", "kind", "full_name", "email", "phone", "id_number", "address", "active")


def require_admin(actor) -> None:
    """Only administrators change the organisation."""
    if actor is None or getattr(actor, "kind", None) != "admin":
        raise Forbidden("Chỉ quản trị viên mới thay đổi được tổ chức và người dùng.", field="actor")


def _snapshot(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _audit(action: str, subject: str, actor, before: dict | None, after: dict) -> None:
    changed = {k: v for k, v in after.items() if before is None or before.get(k) != v}
    record(
        action,
        subject,
        actor=actor,
        before=before and {k: before[k] for k in changed},
        after=changed,
    )


def _text(value, field: str, label: str, *, required: bool = True, max_length: int = 255):
    text = (value or "").strip() if isinstance(value, str | type(None)) else str(value).strip()
    if not text:
        if required:
            raise DomainError(f"Nhập {label}.", field=field)
        return None
    if len(text) > max_length:
        raise DomainError(f"{label.capitalize()} dài quá {max_length} ký tự.", field=field)
    return text


def _key(value, field: str = "key") -> str:
    key = _text(value, field, "mã")
    if not KEY_PATTERN.match(key):
        raise DomainError(
            "Mã chỉ gồm chữ không dấu, số, dấu gạch và dấu chấm (tối đa 40 ký tự).", field=field
        )
    return key


def _is_descendant(candidate: Agency | None, agency: Agency) -> bool:
    node = candidate
    while node is not None:
        if node.id == agency.id:
            return True
        node = node.parent
    return False


def _agency_values(values: dict, agency: Agency | None) -> dict:
    key = _key(values.get("key"))
    eid = _text(values.get("eid"), "eid", "mã định danh điện tử", max_length=40)
    if not EID_PATTERN.match(eid):
        raise DomainError(
            "Mã định danh điện tử có dạng H99 hoặc H99.10.01 (QĐ 20/2020/QĐ-TTg).", field="eid"
        )
    level = values.get("level")
    if level not in AGENCY_LEVELS:
        raise DomainError(f"Cấp phải là một trong {', '.join(AGENCY_LEVELS)}.", field="level")
    parent = values.get("parent")
    if parent is not None and agency is not None and _is_descendant(parent, agency):
        raise DomainError(
            "Cơ quan cấp trên không thể là chính nó hoặc cơ quan cấp dưới của nó.",
            field="parent_id",
        )
    if parent is None and level != "province":
        raise DomainError("Chỉ cơ quan cấp tỉnh mới không có cơ quan cấp trên.", field="parent_id")
    for name, value, label in (("key", key, "Mã"), ("eid", eid, "Mã định danh")):
        other = db.session.scalar(select(Agency).where(getattr(Agency, name) == value))
        if other is not None and other is not agency:
            raise Conflict(f"{label} {value} đã được dùng cho {other.name}.", field=name)
    return {
        "key": key,
        "eid": eid,
        "level": level,
        "parent_id": parent.id if parent else None,
        "name": _text(values.get("name"), "name", "tên cơ quan"),
        "short_name": _text(
            values.get("short_name"), "short_name", "tên ngắn", required=False, max_length=120
        ),
        "collective": _text(
            values.get("collective"), "collective", "tập thể", required=False, max_length=120
        ),
        "address": _text(values.get("address"), "address", "địa chỉ", required=False),
        "active": bool(values.get("active", True)),
    }


def create_agency(actor, **values) -> Agency:
    """Add an agency to the tree; audited as `org:agency:create`."""
    require_admin(actor)
    clean = _agency_values(values, None)
    agency = Agency(**clean)
    db.session.add(agency)
    db.session.flush()
    _audit("org:agency:create", f"agency:{agency.id}", actor, None, clean)
    return agency


def update_agency(actor, agency: Agency, **values) -> Agency:
    """Change an agency (code, name, parent, level...); audited as `org:agency:update`."""
    require_admin(actor)
    before = _snapshot(agency, AGENCY_FIELDS)
    clean = _agency_values({**before, "parent": agency.parent, **values}, agency)
    for name, value in clean.items():
        setattr(agency, name, value)
    db.session.flush()
    _audit("org:agency:update", f"agency:{agency.id}", actor, before, clean)
    return agency


def _unit_values(agency: Agency, values: dict, unit: Unit | None) -> dict:
    key = _key(values.get("key"))
    other = db.session.scalar(select(Unit).where(Unit.agency_id == agency.id, Unit.key == key))
    if other is not None and other is not unit:
        raise Conflict(f"{agency.display_name} đã có đơn vị mã {key}.", field="key")
    return {
        "key": key,
        "name": _text(values.get("name"), "name", "tên đơn vị"),
        "one_stop": bool(values.get("one_stop", False)),
        "active": bool(values.get("active", True)),
    }


def create_unit(actor, agency: Agency, **values) -> Unit:
    """Add a unit to an agency; audited as `org:unit:create`."""
    require_admin(actor)
    clean = _unit_values(agency, values, None)
    unit = Unit(agency_id=agency.id, **clean)
    db.session.add(unit)
    db.session.flush()
    _audit("org:unit:create", f"unit:{unit.id}", actor, None, {"agency_id": agency.id, **clean})
    return unit


def update_unit(actor, unit: Unit, **values) -> Unit:
    """Change a unit; audited as `org:unit:update`."""
    require_admin(actor)
    before = _snapshot(unit, UNIT_FIELDS)
    clean = _unit_values(unit.agency, {**before, **values}, unit)
    for name, value in clean.items():
        setattr(unit, name, value)
    db.session.flush()
    _audit("org:unit:update", f"unit:{unit.id}", actor, before, clean)
    return unit


def _position_values(agency: Agency, values: dict, position: Position | None) -> dict:
    key = _key(values.get("key"))
    other = db.session.scalar(
        select(Position).where(Position.agency_id == agency.id, Position.key == key)
    )
    if other is not None and other is not position:
        raise Conflict(f"{agency.display_name} đã có chức danh mã {key}.", field="key")
    role = values.get("role")
    if role not in ROLES:
        raise DomainError(f"Vai trò phải là một trong {', '.join(ROLES)}.", field="role")
    unit_id = values.get("unit_id")
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.agency_id != agency.id:
            raise DomainError("Đơn vị phải thuộc cùng cơ quan với chức danh.", field="unit_id")
    return {
        "key": key,
        "title": _text(values.get("title"), "title", "tên chức danh", max_length=160),
        "role": role,
        "unit_id": unit_id,
        "active": bool(values.get("active", True)),
    }


def create_position(actor, agency: Agency, **values) -> Position:
    """Add a position to an agency; audited as `org:position:create`."""
    require_admin(actor)
    clean = _position_values(agency, values, None)
    position = Position(agency_id=agency.id, **clean)
    db.session.add(position)
    db.session.flush()
    _audit(
        "org:position:create",
        f"position:{position.id}",
        actor,
        None,
        {"agency_id": agency.id, **clean},
    )
    return position


def update_position(actor, position: Position, **values) -> Position:
    """Change a position; audited as `org:position:update`."""
    require_admin(actor)
    before = _snapshot(position, POSITION_FIELDS)
    clean = _position_values(position.agency, {**before, **values}, position)
    for name, value in clean.items():
        setattr(position, name, value)
    db.session.flush()
    _audit("org:position:update", f"position:{position.id}", actor, before, clean)
    return position


def _user_values(values: dict, user: User | None) -> dict:
    username = _text(values.get("username"), "username", "tên đăng nhập", max_length=80).lower()
    if not USERNAME_PATTERN.match(username):
        raise DomainError(
            "Tên đăng nhập gồm 3-80 chữ thường không dấu, số, dấu chấm, gạch.", field="username"
        )
    other = db.session.scalar(select(User).where(User.username == username))
    if other is not None and other is not user:
        raise Conflict(f"Tên đăng nhập {username} đã có người dùng.", field="username")
    kind = values.get("kind")
    if kind not in USER_KINDS:
        raise DomainError(
            f"Loại tài khoản phải là một trong {', '.join(USER_KINDS)}.", field="kind"
        )
    email = _text(values.get("email"), "email", "thư điện tử", required=False, max_length=160)
    if email and not EMAIL_PATTERN.match(email):
        raise DomainError("Địa chỉ thư điện tử không hợp lệ.", field="email")
    phone = _text(values.get("phone"), "phone", "số điện thoại", required=False, max_length=20)
    if phone and not PHONE_PATTERN.match(phone):
        raise DomainError("Số điện thoại chỉ gồm chữ số (8-20 ký tự).", field="phone")
    id_number = _text(
        values.get("id_number"), "id_number", "số định danh", required=False, max_length=20
    )
    if id_number and not ID_NUMBER_PATTERN.match(id_number):
        raise DomainError(
            "Số định danh cá nhân gồm 12 chữ số (hoặc CMND 9 chữ số).", field="id_number"
        )
    return {
        "username": username,
        "kind": kind,
        "full_name": _text(values.get("full_name"), "full_name", "họ và tên", max_length=160),
        "email": email,
        "phone": phone,
        "id_number": id_number,
        "address": _text(values.get("address"), "address", "địa chỉ", required=False),
        "active": bool(values.get("active", True)),
    }


def _password_hash(password) -> str:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise DomainError(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.", field="password")
    return hash_password(password)


def create_person(
    actor, *, password: str | None = None, without_password: bool = False, **values
) -> User:
    """Create a user account; audited as `org:user:create` (never the password).

    `without_password` creates an account that cannot log in until a password is set (imports).
    """
    require_admin(actor)
    clean = _user_values(values, None)
    user = User(password_hash=None if without_password else _password_hash(password), **clean)
    db.session.add(user)
    db.session.flush()
    _audit("org:user:create", f"user:{user.id}", actor, None, clean)
    return user


def update_person(actor, user: User, *, password: str | None = None, **values) -> User:
    """Change a user's details or deactivate them; audited as `org:user:update`."""
    require_admin(actor)
    before = _snapshot(user, USER_FIELDS)
    clean = _user_values({**before, **values}, user)
    if user.id == actor.id and not clean["active"]:
        raise DomainError("Không thể tự khóa tài khoản của mình.", field="active")
    for name, value in clean.items():
        setattr(user, name, value)
    after = dict(clean)
    if password:
        user.password_hash = _password_hash(password)
        after["password"] = "(đã đổi)"
    db.session.flush()
    _audit("org:user:update", f"user:{user.id}", actor, before, after)
    return user


def _overlapping(user: User, position: Position, starts_at, ends_at, ignore=None):
    query = select(PositionHolding).where(
        PositionHolding.user_id == user.id, PositionHolding.position_id == position.id
    )
    for holding in db.session.scalars(query):
        if holding is ignore:
            continue
        if (holding.ends_at is None or holding.ends_at > starts_at) and (
            ends_at is None or ends_at > holding.starts_at
        ):
            return holding
    return None


def _aware(value, field: str, label: str):
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise DomainError(f"Nhập {label} (ngày giờ có múi giờ).", field=field)
    return value


def assign_position(
    actor, user: User, position: Position, *, starts_at: datetime, ends_at: datetime | None = None
) -> PositionHolding:
    """Let `user` hold `position` over a period; audited as `org:holding:create`."""
    require_admin(actor)
    if user.kind != "officer":
        raise DomainError("Chỉ tài khoản cán bộ mới giữ được chức danh.", field="user_id")
    if not user.active:
        raise DomainError("Tài khoản này đang bị khóa.", field="user_id")
    if not position.active:
        raise DomainError("Chức danh này không còn hoạt động.", field="position_id")
    starts_at = _aware(starts_at, "starts_at", "ngày bắt đầu")
    if starts_at is None:
        raise DomainError("Nhập ngày bắt đầu giữ chức danh.", field="starts_at")
    ends_at = _aware(ends_at, "ends_at", "ngày kết thúc")
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", field="ends_at")
    clash = _overlapping(user, position, starts_at, ends_at)
    if clash is not None:
        raise Conflict(
            "Người này đã giữ chức danh này trong một khoảng thời gian trùng.", field="starts_at"
        )
    holding = PositionHolding(
        user_id=user.id, position_id=position.id, starts_at=starts_at, ends_at=ends_at
    )
    db.session.add(holding)
    db.session.flush()
    _audit(
        "org:holding:create",
        f"holding:{holding.id}",
        actor,
        None,
        {
            "user_id": user.id,
            "position_id": position.id,
            "starts_at": starts_at,
            "ends_at": ends_at,
        },
    )
    return holding


def end_holding(
    actor, holding: PositionHolding, *, ends_at: datetime | None = None
) -> PositionHolding:
    """End a holding at `ends_at` (default now); audited as `org:holding:end`."""
    require_admin(actor)
    ends_at = _aware(ends_at, "ends_at", "ngày kết thúc") or clock.now()
    if holding.ends_at is not None and holding.ends_at <= clock.now():
        raise Conflict("Việc giữ chức danh này đã kết thúc.", field="ends_at")
    if ends_at <= holding.starts_at:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu giữ chức danh.", field="ends_at")
    before = {"ends_at": holding.ends_at}
    holding.ends_at = ends_at
    db.session.flush()
    _audit("org:holding:end", f"holding:{holding.id}", actor, before, {"ends_at": ends_at})
    return holding
