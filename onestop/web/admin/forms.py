"""Reading admin form input: text, numbers, dates and choices, each refusal naming its field."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import request

from onestop.domain import DomainError, NotFound
from onestop.extensions import db

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def text(name: str) -> str | None:
    """The stripped value of a form field, None when empty."""
    value = (request.form.get(name) or "").strip()
    return value or None


def flag(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "yes")


def integer(name: str, label: str, *, required: bool = False) -> int | None:
    raw = text(name)
    if raw is None:
        if required:
            raise DomainError(f"Chọn {label}.", field=name)
        return None
    try:
        return int(raw)
    except ValueError:
        raise DomainError(f"{label.capitalize()} không hợp lệ.", field=name) from None


def day(name: str, label: str, *, required: bool = False) -> date | None:
    raw = text(name)
    if raw is None:
        if required:
            raise DomainError(f"Nhập {label}.", field=name)
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        try:
            return datetime.strptime(raw, "%d/%m/%Y").date()
        except ValueError:
            raise DomainError(
                f"{label.capitalize()} phải theo dạng dd/mm/yyyy.", field=name
            ) from None


def local_start(value: date | None) -> datetime | None:
    """Local midnight at the start of `value`, as an aware datetime."""
    if value is None:
        return None
    return datetime(value.year, value.month, value.day, tzinfo=LOCAL)


def row(model, ident, field: str, label: str):
    """The row `ident` of `model`, or a refusal naming `field`."""
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None:
        raise DomainError(f"Chọn {label}.", field=field)
    return obj


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound("Không tìm thấy mục này.")
    return obj


def errors_of(exc: DomainError) -> dict:
    """A form's error dict from a refusal: the field, or the form as a whole."""
    db.session.rollback()
    return {exc.field or "_form": exc.message}


def actor():
    """The signed-in administrator as a model instance (not the request proxy)."""
    from flask_login import current_user

    return current_user._get_current_object()
