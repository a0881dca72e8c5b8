"""Walk-in applicants at the desk: found by their identity number, or registered on the spot."""

from __future__ import annotations

from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.audit.log import record
from onestop.domain.org.models import User
from onestop.domain.org.operations import EMAIL_PATTERN, ID_NUMBER_PATTERN, PHONE_PATTERN
from onestop.extensions import db


def find_applicant(id_number: str) -> User | None:
    """The citizen or business account with this identity number (or username), if any."""
    id_number = (id_number or "").strip()
    if not id_number:
        return None
    return db.session.scalar(
        select(User)
        .where(User.kind == "citizen", (User.id_number == id_number) | (User.username == id_number))
        .order_by(User.id)
    )


def find_or_register_applicant(
    officer,
    *,
    id_number: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    at=None,
) -> User:
    """The applicant's account; a new one (no password, cannot log in yet) when none exists."""
    id_number = (id_number or "").strip()
    if not ID_NUMBER_PATTERN.match(id_number):
        raise DomainError(
            "Số định danh cá nhân gồm 12 chữ số (hoặc CMND 9 chữ số).", field="id_number"
        )
    found = find_applicant(id_number)
    if found is not None:
        return found
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > 160:
        raise DomainError("Nhập họ và tên người nộp hồ sơ (tối đa 160 ký tự).", field="full_name")
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and not PHONE_PATTERN.match(phone):
        raise DomainError("Số điện thoại chỉ gồm chữ số (8-20 ký tự).", field="phone")
    if email and not EMAIL_PATTERN.match(email):
        raise DomainError("Địa chỉ thư điện tử không hợp lệ.", field="email")
    user = User(
        username=id_number,
        kind="citizen",
        full_name=full_name,
        id_number=id_number,
        phone=phone or None,
        email=email or None,
        address=(address or "").strip()[:255] or None,
        password_hash=None,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "org:user:register_at_desk", f"user:{user.id}", actor=officer, at=at, id_number=id_number
    )
    return user
