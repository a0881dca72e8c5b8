"""Pages anyone can open: the procedure catalogue (/thu-tuc) and the dossier lookup (/tra-cuu)."""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import defaultdict, deque

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from onestop.domain import NotFound
from onestop.domain.procedures.catalogue import current_versions, facts, version_by_code
from onestop.extensions import db
from onestop.web.main import landing_link

bp = Blueprint("public", __name__)
landing_link(
    "public",
    "public.catalogue",
    "Thủ tục hành chính",
    "Tìm thủ tục, xem thành phần hồ sơ, lệ phí, thời hạn và nộp trực tuyến",
)
landing_link(
    "public",
    "public.lookup",
    "Tra cứu hồ sơ",
    "Xem tình trạng hồ sơ bằng mã hồ sơ và số điện thoại hoặc số định danh",
)
landing_link("citizen", "public.catalogue", "Nộp hồ sơ trực tuyến", "Tìm thủ tục và nộp hồ sơ")

LEVELS = {
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "inter": "Liên thông",
}
RETURN_LABELS = {
    "desk": "Nhận tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính",
    "electronic": "Bản điện tử có chữ ký số",
}


def fold(text: str | None) -> str:
    """Lower-case text without Vietnamese diacritics, for searching ("Đăng" → "dang")."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return " ".join(stripped.lower().split())


def _haystack(version, agency_names: dict[str, str]) -> str:
    procedure = version.procedure
    agencies = " ".join(agency_names.get(k, k) for k in version.definition.get("agencies", []))
    return fold(
        " ".join(
            [
                procedure.code,
                procedure.name,
                procedure.field,
                agencies,
                " ".join(version.definition.get("agencies", [])),
            ]
        )
    )


def search_catalogue(query: str = "", *, field: str = "", agency: str = "", level: str = ""):
    """Procedures in force whose code, name, field or agency contain every word of the query."""
    from onestop.domain.org.models import Agency

    versions = current_versions(agency_key=agency or None, level=level or None)
    names = dict(db.session.execute(select(Agency.key, Agency.name)).all())
    words = fold(query).split()
    if field:
        versions = [v for v in versions if fold(v.procedure.field) == fold(field)]
    return [v for v in versions if all(w in _haystack(v, names) for w in words)]


@bp.get("/thu-tuc")
def catalogue():
    """The catalogue, filtered by the search box, field, agency and level."""
    from onestop.domain.org.models import Agency

    args = {k: request.args.get(k, "").strip()[:200] for k in ("q", "field", "agency", "level")}
    versions = search_catalogue(
        args["q"], field=args["field"], agency=args["agency"], level=args["level"]
    )
    every = current_versions()
    fields = sorted({v.procedure.field for v in every})
    keys = sorted({k for v in every for k in v.definition.get("agencies", [])})
    agencies = db.session.scalars(
        select(Agency).where(Agency.key.in_(keys)).order_by(Agency.name)
    ).all()
    return render_template(
        "public/catalogue.html",
        versions=versions,
        args=args,
        fields=fields,
        agencies=agencies,
        levels=LEVELS,
    )


@bp.get("/thu-tuc/<code>")
def procedure(code: str):
    """Everything an applicant needs to know before applying."""
    try:
        version = version_by_code(code)
    except NotFound:
        abort(404)
    return render_template(
        "public/procedure.html", facts=facts(version), levels=LEVELS, return_labels=RETURN_LABELS
    )


class MovingWindow:
    """At most `limit` hits per key over the last `seconds` (per process)."""

    def __init__(self):
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int, seconds: int) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - seconds:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


lookups = MovingWindow()


def initials(name: str | None) -> str:
    """ "Nguyễn Thị Bình" → "N. T. B.": enough to recognise, not enough to identify."""
    return " ".join(f"{word[0].upper()}." for word in (name or "").split())


def find_for_lookup(code: str, contact: str):
    """The dossier with this code whose applicant phone or ID number matches, else None."""
    from onestop.domain.dossiers.models import Dossier

    code, contact = code.strip().upper(), "".join(contact.split())
    if not code or not contact:
        return None
    dossier = db.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        return None
    if contact not in {dossier.applicant_phone, dossier.applicant_id_number} - {None, ""}:
        return None
    return dossier


@bp.get("/tra-cuu")
def lookup():
    """Public status of one dossier by its code and the applicant's phone or ID number."""
    from onestop.domain.dossiers.queries import current_steps

    code = request.args.get("code", "").strip()[:40]
    contact = request.args.get("contact", "").strip()[:20]
    if not code and not contact:
        return render_template(
            "public/lookup.html", code="", contact="", dossier=None, searched=False
        )
    limit = current_app.config["ONESTOP_LOOKUP_PER_MINUTE"]
    if not lookups.allow(request.remote_addr or "-", limit, 60):
        return render_template(
            "public/lookup.html",
            code=code,
            contact=contact,
            dossier=None,
            searched=True,
            limited=True,
        ), 429
    error = None
    if not code:
        error = ("code", "Nhập mã hồ sơ ghi trên giấy tiếp nhận.")
    elif not contact:
        error = ("contact", "Nhập số điện thoại hoặc số định danh của người nộp hồ sơ.")
    dossier = None if error else find_for_lookup(code, contact)
    steps = current_steps(dossier) if dossier is not None else []
    return render_template(
        "public/lookup.html",
        code=code,
        contact=contact,
        dossier=dossier,
        steps=steps,
        searched=True,
        error=error,
        applicant=initials(dossier.applicant_name) if dossier else None,
    )
