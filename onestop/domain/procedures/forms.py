"""Check an applicant's form data against a procedure version's form schema."""

from __future__ import annotations

import re
from datetime import date

from onestop.domain import DomainError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_ID_NUMBER = re.compile(r"^[0-9]{9}$|^[0-9]{12}$")


def _text(spec: dict, value) -> str:
    if not isinstance(value, str):
        raise DomainError(f"«{spec['label']}» phải là chữ", field=spec["name"])
    value = value.strip()
    if spec.get("max_length") and len(value) > spec["max_length"]:
        raise DomainError(
            f"«{spec['label']}» dài quá {spec['max_length']} ký tự", field=spec["name"]
        )
    return value


def _clean(spec: dict, value):
    kind, name, label = spec.get("type", "text"), spec["name"], spec["label"]
    if kind in ("text", "textarea"):
        return _text(spec, value)
    if kind == "number":
        if isinstance(value, bool):
            raise DomainError(f"«{label}» phải là một số", field=name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DomainError(f"«{label}» phải là một số", field=name) from None
        if "min" in spec and number < spec["min"] or "max" in spec and number > spec["max"]:
            raise DomainError(
                f"«{label}» phải từ {spec.get('min', '…')} đến {spec.get('max', '…')}",
                field=name,
            )
        return int(number) if number.is_integer() else number
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise DomainError(
                f"«{label}» phải là ngày theo dạng năm-tháng-ngày (YYYY-MM-DD)", field=name
            ) from None
    if kind == "select":
        if value not in spec.get("options", []):
            raise DomainError(
                f"«{label}» phải là một trong: {', '.join(spec['options'])}", field=name
            )
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "yes", "on"):
            return True
        if str(value).lower() in ("false", "0", "no", "off", ""):
            return False
        raise DomainError(f"«{label}» phải là có hoặc không", field=name)
    pattern, what = {
        "email": (_EMAIL, "một địa chỉ thư điện tử"),
        "phone": (_PHONE, "một số điện thoại"),
        "id_number": (_ID_NUMBER, "số định danh 12 chữ số hoặc CMND 9 chữ số"),
    }[kind]
    text = _text(spec, value)
    if not pattern.match(text.replace(" ", "")):
        raise DomainError(f"«{label}» phải là {what}", field=name)
    return text.replace(" ", "") if kind != "email" else text


def clean_form_data(form: dict, data: dict | None) -> dict:
    """The cleaned form data; DomainError naming the first field that is missing or wrong."""
    data = data or {}
    if not isinstance(data, dict):
        raise DomainError(
            "Dữ liệu biểu mẫu phải gồm các cặp tên trường và giá trị", field="form_data"
        )
    specs = {spec["name"]: spec for spec in form.get("fields", [])}
    unknown = sorted(set(data) - set(specs))
    if unknown:
        raise DomainError(f"Biểu mẫu không có trường: {', '.join(unknown)}", field=unknown[0])
    cleaned = {}
    for name, spec in specs.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required"):
                raise DomainError(f"Vui lòng nhập «{spec['label']}»", field=name)
            continue
        cleaned[name] = _clean(spec, value)
    return cleaned
