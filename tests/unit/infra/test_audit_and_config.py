"""Audit chain, configuration validation, storage."""

import pytest

from onestop.config import ConfigError, load
from onestop.domain.audit.log import record, verify_chain
from onestop.domain.audit.models import AuditEvent
from onestop.infra.storage import FileStore, detect_media_type


def test_audit_chain_detects_a_tampered_event(db):
    record("test:one", "thing:1", value=1)
    second = record("test:two", "thing:1", value=2)
    record("test:three", "thing:1", value=3)
    assert verify_chain().intact
    db.session.query(AuditEvent).filter_by(id=second.id).update({"data": {"value": 99}})
    report = verify_chain()
    assert not report.intact and report.broken_at == second.id


def test_bad_setting_stops_startup_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="ONESTOP_LOGIN_ATTEMPTS"):
        load({"ONESTOP_LOGIN_ATTEMPTS": "many", "ONESTOP_INSTANCE_PATH": str(tmp_path)})


def test_production_requires_database_redis_and_secret(tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL, REDIS_URL, SECRET_KEY"):
        load({"ONESTOP_ENV": "production", "ONESTOP_INSTANCE_PATH": str(tmp_path)})


def test_embedded_secret_is_generated_once_and_kept(tmp_path):
    first = load({"ONESTOP_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    assert load({"ONESTOP_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == first


def test_file_store_is_content_addressed_and_types_come_from_content(tmp_path):
    store = FileStore(tmp_path)
    pdf = b"%PDF-1.4\n%test\n"
    digest = store.put(pdf)
    assert store.put(pdf) == digest and store.get(digest) == pdf
    assert detect_media_type(pdf) == "application/pdf"
    assert detect_media_type(b"MZ\x90\x00" + b"\x00" * 60) != "application/pdf"
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")
