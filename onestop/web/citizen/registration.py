"""Citizen accounts: register with the ID number as username, and keep the profile up to date."""

from __future__ import annotations

import re

from sqlalchemy import select

from onestop.domain import Conflict, DomainError
from onestop.domain.audit.log import record
from onestop.domain.org.models import User
from onestop.domain.org.passwords import hash_password
from onestop.extensions import db

ID_NUMBER = re.compile(r"^(\d{9}|\d{10}|\d{12}|\d{13})$")
PHONE = re.compile(r"^(0|\+84)\d{9,10}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def clean_contact(data: dict) -> dict:
    """Name, phone, e-mail and address, checked; DomainError naming the first wrong field."""
    name = " ".join((data.get("full_name") or "").split())
    if not name:
        raise DomainError("Nhập họ và tên (hoặc tên tổ chức).", field="full_name")
    if len(name) > 160:
        raise DomainError("Họ và tên dài quá 160 ký tự.", field="full_name")
    phone = "".join((data.get("phone") or "").split()).replace(".", "")
    if not PHONE.match(phone):
        raise DomainError("Số điện thoại gồm 10-11 chữ số, bắt đầu bằng 0 hoặc +84.", field="phone")
    email = (data.get("email") or "").strip()
    if email and (not EMAIL.match(email) or len(email) > 160):
        raise DomainError("Địa chỉ thư điện tử không hợp lệ.", field="email")
    address = " ".join((data.get("address") or "").split())[:255]
    return {"full_name": name, "phone": phone, "email": email or None, "address": address or None}


def register_citizen(data: dict) -> User:
    """A new citizen or business account; its username is the ID number (flush, audit)."""
    id_number = "".join((data.get("id_number") or "").split())
    if not ID_NUMBER.match(id_number):
        raise DomainError(
            "Số định danh cá nhân gồm 12 chữ số (CMND cũ 9 số; mã số doanh nghiệp 10 hoặc 13 số).",
            field="id_number",
        )
    contact = clean_contact(data)
    password = data.get("password") or ""
    if len(password) < MIN_PASSWORD:
        raise DomainError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", field="password")
    if password != (data.get("password_confirm") or ""):
        raise DomainError("Hai lần nhập mật khẩu không khớp.", field="password_confirm")
    if db.session.scalar(select(User.id).where(User.username == id_number)):
        raise Conflict("Số định danh này đã có tài khoản; hãy đăng nhập.", field="id_number")
    user = User(
        username=id_number,
        id_number=id_number,
        kind="citizen",
        password_hash=hash_password(password),
        **contact,
    )
    db.session.add(user)
    db.session.flush()
    record("user:register", f"user:{user.id}", actor=user, kind="citizen")
    return user


def update_profile(user: User, data: dict) -> User:
    """Change the contact details of one's own account (flush, audit)."""
    contact = clean_contact(data)
    changed = sorted(k for k, v in contact.items() if getattr(user, k) != v)
    for key, value in contact.items():
        setattr(user, key, value)
    db.session.flush()
    if changed:
        record("user:profile", f"user:{user.id}", actor=user, changed=changed)
    return user
