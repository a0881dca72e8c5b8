"""The data a paper prints, taken from the dossier when the paper is issued and frozen as JSON."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
COPY_KINDS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao chứng thực",
    "electronic": "Bản điện tử",
}
RETURN_METHODS = {
    "desk": "Bộ phận Một cửa",
    "post": "Dịch vụ bưu chính công ích",
    "electronic": "Trực tuyến (bản điện tử)",
}
MINUTES_PER_DAY = 480
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def when(at: datetime | None) -> str:
    """`hh giờ mm phút, ngày dd/mm/yyyy` in Vietnam time, as the forms print it."""
    if at is None:
        return ""
    local = at.astimezone(LOCAL)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def day(at: datetime | None) -> str:
    return at.astimezone(LOCAL).strftime("%d/%m/%Y") if at else ""


def date_line(place: str, at: datetime) -> str:
    """`Hòa Bình, ngày 03 tháng 12 năm 2026`: the place and date line of an official paper."""
    local = at.astimezone(LOCAL)
    return f"{place}, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def legal_time(minutes: int | None) -> str:
    if not minutes:
        return ""
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    if rest == 0:
        return f"{days} ngày làm việc"
    if days == 0:
        return f"{rest // 60} giờ làm việc" if rest % 60 == 0 else f"{rest} phút làm việc"
    return f"{minutes / MINUTES_PER_DAY:g} ngày làm việc"


def place_of(agency) -> str:
    """The place printed before the date: the province (or city) the agency belongs to."""
    root = agency
    while root.parent is not None:
        root = root.parent
    for marker in (" thành phố ", " tỉnh "):
        lowered = root.name.lower()
        if marker in lowered:
            return root.name[lowered.index(marker) + len(marker) :].strip()
    return root.address or root.display_name


def issuer(agency, unit=None) -> dict:
    """The issuing body block: its parent (cơ quan chủ quản), itself, the unit, the place."""
    return {
        "parent": agency.parent.name if agency.parent is not None else None,
        "name": agency.name,
        "unit": unit.name if unit is not None else None,
        "place": place_of(agency),
        "collective": agency.collective,
    }


def dossier_facts(dossier) -> dict:
    """The dossier as every paper prints it."""
    version = dossier.procedure_version
    procedure = version.procedure if version is not None else None
    return {
        "id": dossier.id,
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "applicant_id_number": dossier.applicant_id_number,
        "procedure_code": procedure.code if procedure else None,
        "procedure_name": procedure.name if procedure else "",
        "legal_time": legal_time(version.legal_minutes if version else None),
        "received_at": when(dossier.received_at),
        "due_at": when(dossier.due_at),
        "sets": dossier.sets,
        "return_method": RETURN_METHODS.get(dossier.return_method, dossier.return_method),
        "tracking_number": dossier.tracking_number,
        "parts": [
            {
                "name": part.name,
                "copy_kind": COPY_KINDS.get(part.copy_kind, part.copy_kind),
                "note": part.note,
            }
            for part in dossier.parts
        ],
        "form": {key: _display(value) for key, value in (dossier.form_data or {}).items()},
    }


def _display(value):
    """ISO dates from the online form as the papers print them (dd/mm/yyyy)."""
    if isinstance(value, str) and ISO_DATE.match(value):
        year, month, day_ = value.split("-")
        return f"{day_}/{month}/{year}"
    return value


def signature_block(
    *, form_line=None, signer_title=None, signer_name=None, authority_title=None
) -> dict:
    """The signature block: form line (TUQ./KT./TL./TM.), the signer's own title, the name."""
    return {
        "form_line": form_line,
        "signer_title": signer_title,
        "signer_name": signer_name,
        "authority_title": authority_title,
    }


def jsonable(value):
    """Make extra context JSON-safe: instants become the forms' wording, objects their str()."""
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
