"""Signing keys: PKCS#12 keys per signer and per organisation, validity and expiry warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.audit.log import record
from onestop.domain.documents.operations import key_label
from onestop.domain.org.models import Agency, User
from onestop.extensions import db
from onestop.infra import clock
from onestop.infra.signing import pki_path
from onestop.infra.signing.pki import DevPKI, Identity

from . import bp, section
from .forms import actor, errors_of, flag, text

section("admin.keys", "Khóa ký số", "Khóa PKCS#12/PKCS#11 của người ký và cơ quan, hạn chứng thư")

EXPIRY_WARNING_DAYS = 30
MAX_P12_BYTES = 100_000


@dataclass(frozen=True)
class KeyInfo:
    """One key file as the administrator sees it: owner, certificate subject, validity."""

    label: str
    owner: str
    subject: str
    issuer: str
    not_before: datetime | None
    not_after: datetime | None
    days_left: int | None
    state: str  # valid, expiring, expired, unreadable
    problem: str | None = None


def _name(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return values[0].value if values else ""


def _owners() -> dict[str, str]:
    owners = {
        key_label("org", a.key): f"Cơ quan: {a.name}" for a in db.session.scalars(select(Agency))
    }
    owners.update(
        {
            key_label("user", u.username): f"Người ký: {u.full_name}"
            for u in db.session.scalars(select(User).where(User.kind == "officer"))
        }
    )
    return owners


def key_infos(store: DevPKI, now: datetime) -> list[KeyInfo]:
    """Every .p12 of the key folder with its certificate's validity at `now`."""
    owners = _owners()
    infos = []
    for label in store.labels():
        owner = owners.get(label, "—")
        try:
            _key, cert, _chain = pkcs12.load_key_and_certificates(
                store.p12_path(label).read_bytes(), store.passphrase()
            )
        except (ValueError, OSError) as exc:
            infos.append(KeyInfo(label, owner, "", "", None, None, None, "unreadable", str(exc)))
            continue
        not_after = cert.not_valid_after_utc
        days_left = (not_after - now).days
        state = (
            "expired"
            if not_after <= now
            else "expiring"
            if days_left < EXPIRY_WARNING_DAYS
            else "valid"
        )
        infos.append(
            KeyInfo(
                label,
                owner,
                _name(cert.subject, NameOID.COMMON_NAME),
                _name(cert.issuer, NameOID.COMMON_NAME),
                cert.not_valid_before_utc,
                not_after,
                days_left,
                state,
            )
        )
    return infos


def _store() -> DevPKI:
    return DevPKI(pki_path(current_app))


def _owner_choices():
    agencies = db.session.scalars(select(Agency).order_by(Agency.eid)).all()
    officers = db.session.scalars(
        select(User).where(User.kind == "officer").order_by(User.username)
    ).all()
    return (
        [("", "—")]
        + [(f"org:{a.id}", f"Cơ quan: {a.name}") for a in agencies]
        + [(f"user:{u.id}", f"Người ký: {u.full_name} ({u.username})") for u in officers]
    )


def _page(errors=None, status=200):
    store = _store()
    now = clock.now()
    infos = key_infos(store, now) if store.exists() else []
    labels = {info.label for info in infos}
    missing = [
        a
        for a in db.session.scalars(
            select(Agency).where(Agency.active.is_(True)).order_by(Agency.eid)
        )
        if key_label("org", a.key) not in labels
    ]
    return render_template(
        "admin/keys.html",
        keys=infos,
        missing=missing,
        owners=_owner_choices(),
        errors=errors or {},
        values=request.form,
        warning_days=EXPIRY_WARNING_DAYS,
        signer=current_app.config.get("ONESTOP_SIGNER"),
        production=current_app.config.get("ONESTOP_ENV") == "production",
    ), status


@bp.get("/khoa-ky-so")
def keys():
    return _page()


def integer_or_none(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _owner(field: str = "owner") -> Identity:
    """The identity (label, names) of the organisation or signer chosen in the form."""
    raw = text(field) or ""
    kind, _, ident = raw.partition(":")
    if kind == "org" and (agency := db.session.get(Agency, integer_or_none(ident))):
        return Identity(key_label("org", agency.key), agency.name, organisation=agency.name)
    if kind == "user" and (user := db.session.get(User, integer_or_none(ident))):
        return Identity(
            key_label("user", user.username), user.full_name, organisation=None, title=None
        )
    raise DomainError("Chọn cơ quan hoặc người ký.", field=field)


@bp.post("/khoa-ky-so/cap-khoa-thu-nghiem")
def key_issue():
    try:
        if current_app.config.get("ONESTOP_ENV") == "production":
            raise DomainError(
                "Môi trường vận hành chỉ dùng khóa do tổ chức chứng thực cấp: "
                "tải tệp PKCS#12 hoặc dùng thiết bị PKCS#11.",
                field="dev_owner",
            )
        identity = _owner("dev_owner")
        store = _store()
        replace = flag("replace")
        if store.p12_path(identity.label).exists() and not replace:
            raise DomainError("Đã có khóa này; đánh dấu «Cấp lại» để thay.", field="replace")
        store.issue(identity, replace=replace)
        record("pki:key:issue", f"key:{identity.label}", actor=actor(), replace=replace)
    except DomainError as exc:
        return _page(errors_of(exc), 400)
    db.session.commit()
    flash(f"Đã cấp khóa thử nghiệm {identity.label}.", "success")
    return redirect(url_for("admin.keys"))


@bp.post("/khoa-ky-so/dang-ky")
def key_register():
    """Register a PKCS#12 file from a CA: re-protected with the key folder's passphrase."""
    try:
        identity = _owner()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise DomainError("Chọn tệp PKCS#12 (.p12, .pfx).", field="file")
        data = upload.read(MAX_P12_BYTES + 1)
        if len(data) > MAX_P12_BYTES:
            raise DomainError("Tệp PKCS#12 quá lớn.", field="file")
        password = (request.form.get("password") or "").encode() or None
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(data, password)
        except ValueError:
            raise DomainError(
                "Không mở được tệp: sai mật khẩu hoặc không phải PKCS#12.", field="password"
            ) from None
        if key is None or cert is None:
            raise DomainError("Tệp phải chứa khóa bí mật và chứng thư của nó.", field="file")
        if cert.not_valid_after_utc <= clock.now():
            raise DomainError(
                f"Chứng thư đã hết hạn ngày {cert.not_valid_after_utc:%d/%m/%Y}.", field="file"
            )
        store = _store()
        store.init()
        wrapped = pkcs12.serialize_key_and_certificates(
            identity.label.encode(),
            key,
            cert,
            chain or None,
            serialization.BestAvailableEncryption(store.passphrase()),
        )
        record(
            "pki:key:register",
            f"key:{identity.label}",
            actor=actor(),
            certificate=cert.subject.rfc4514_string(),
            not_after=cert.not_valid_after_utc,
        )
        path = store.p12_path(identity.label)
        path.write_bytes(wrapped)
        path.chmod(0o600)
    except DomainError as exc:
        return _page(errors_of(exc), 400)
    db.session.commit()
    flash(f"Đã đăng ký khóa {identity.label}.", "success")
    return redirect(url_for("admin.keys"))
