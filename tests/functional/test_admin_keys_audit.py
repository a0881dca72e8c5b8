"""Signing keys page (register, issue, expiry warnings); audit viewer and chain verification."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import select, update

from onestop.domain.audit.models import AuditEvent
from onestop.extensions import db


@pytest.fixture
def admin_client(client, demo_org, login_as):
    db.session.commit()
    login_as("admin")
    return client


def _p12(days: int, password: bytes) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở Tư pháp")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(password)
    )


def test_register_p12_warns_of_expiry(admin_client, demo_org):
    """Is an uploaded PKCS#12 registered for its agency and flagged as expiring soon?"""
    owner = f"org:{demo_org.agency('STP').id}"
    bad = admin_client.post(
        "/quan-tri/khoa-ky-so/dang-ky",
        data={
            "owner": owner,
            "password": "wrong",
            "file": (io.BytesIO(_p12(10, b"secret")), "k.p12"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and 'id="e-password"' in bad.get_data(as_text=True)
    response = admin_client.post(
        "/quan-tri/khoa-ky-so/dang-ky",
        data={
            "owner": owner,
            "password": "secret",
            "file": (io.BytesIO(_p12(10, b"secret")), "k.p12"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html = admin_client.get("/quan-tri/khoa-ky-so").get_data(as_text=True)
    assert 'data-key="org-stp" data-state="expiring"' in html
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pki:key:register"))


def test_issue_development_key(admin_client, demo_org):
    """Can an administrator issue a development key for a signer, valid for years?"""
    owner = f"user:{demo_org.user('giamdoc.snv').id}"
    response = admin_client.post(
        "/quan-tri/khoa-ky-so/cap-khoa-thu-nghiem", data={"dev_owner": owner, "replace": "1"}
    )
    assert response.status_code == 302
    html = admin_client.get("/quan-tri/khoa-ky-so").get_data(as_text=True)
    assert 'data-key="user-giamdoc.snv" data-state="valid"' in html
    missing = admin_client.post("/quan-tri/khoa-ky-so/cap-khoa-thu-nghiem", data={"dev_owner": ""})
    assert missing.status_code == 400 and 'id="e-dev_owner"' in missing.get_data(as_text=True)


def test_every_admin_change_is_in_the_viewer(admin_client):
    """Does an administrative change show in the audit viewer, filtered by action and actor?"""
    admin_client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "username": "audit.me",
            "full_name": "Kiểm Tra",
            "kind": "officer",
            "password": "mat-khau-dai-1",
            "active": "1",
        },
    )
    html = admin_client.get("/quan-tri/nhat-ky?action=org:user&who=admin").get_data(as_text=True)
    assert "org:user:create" in html and "audit.me" in html
    assert "org:user:create" not in admin_client.get(
        "/quan-tri/nhat-ky?action=delegation:"
    ).get_data(as_text=True)
    bad = admin_client.get("/quan-tri/nhat-ky?from=03-12-2026")
    assert bad.status_code == 400


def test_verify_chain_names_the_tampered_row(admin_client, app):
    """Does tampering with one audit row make the viewer and `onestop audit verify` name it?"""
    admin_client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "username": "chain.one",
            "full_name": "Một",
            "kind": "officer",
            "password": "mat-khau-dai-1",
            "active": "1",
        },
    )
    admin_client.post(
        "/quan-tri/nguoi-dung/moi",
        data={
            "username": "chain.two",
            "full_name": "Hai",
            "kind": "officer",
            "password": "mat-khau-dai-1",
            "active": "1",
        },
    )
    intact = admin_client.post("/quan-tri/nhat-ky").get_data(as_text=True)
    assert "Chuỗi nguyên vẹn" in intact
    victim = db.session.scalar(
        select(AuditEvent).where(AuditEvent.subject.like("user:%")).order_by(AuditEvent.id)
    )
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == victim.id)
        .values(data={"after": {"username": "someone.else"}})
    )
    db.session.expire_all()
    html = admin_client.post("/quan-tri/nhat-ky").get_data(as_text=True)
    assert f'data-broken="{victim.id}"' in html
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"event {victim.id}" in result.output
