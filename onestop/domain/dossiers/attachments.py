"""Attach uploaded documents to dossier parts: size limits, type read from content, no paths."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from flask import current_app

from onestop.domain import DomainError
from onestop.extensions import db
from onestop.infra.storage import detect_media_type

from .models import Blob, DossierPart


@dataclass(frozen=True)
class Upload:
    """One uploaded file for a part of the procedure (`code` is the part code)."""

    code: str
    data: bytes
    filename: str | None = None
    copy_kind: str = "electronic"


def as_upload(item) -> Upload:
    """Accept an Upload or a mapping {code, data, filename, copy_kind}."""
    if isinstance(item, Upload):
        return item
    if isinstance(item, dict) and "code" in item and isinstance(item.get("data"), bytes):
        return Upload(
            item["code"], item["data"], item.get("filename"), item.get("copy_kind", "electronic")
        )
    raise DomainError("Mỗi thành phần hồ sơ cần mã thành phần và nội dung tệp", field="parts")


def safe_filename(name: str | None) -> str | None:
    """The last path segment only, without control characters (shown, never used as a path)."""
    if not name:
        return None
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = re.sub(r"^\.+", "", base).strip()
    return base[:255] or None


def attach(dossier, spec: dict, upload: Upload) -> DossierPart:
    """Store the bytes (content-addressed) and add the part row; flush."""
    from onestop.services import storage

    limit_mb = min(spec.get("max_mb", 10), current_app.config.get("ONESTOP_MAX_UPLOAD_MB", 20))
    if not upload.data:
        raise DomainError(f"«{spec['name']}»: tệp rỗng, hãy chọn lại tệp", field=spec["code"])
    if len(upload.data) > limit_mb * 1024 * 1024:
        raise DomainError(f"«{spec['name']}»: tệp lớn hơn {limit_mb} MB", field=spec["code"])
    media_type = detect_media_type(upload.data)
    if media_type not in spec.get("accept", []):
        raise DomainError(
            f"«{spec['name']}»: không nhận tệp loại {media_type}; hãy gửi "
            f"{', '.join(spec.get('accept', []))}",
            field=spec["code"],
        )
    digest = hashlib.sha256(upload.data).hexdigest()
    if db.session.get(Blob, digest) is None:
        storage().put(upload.data)
        db.session.add(Blob(sha256=digest, size=len(upload.data), media_type=media_type))
    part = DossierPart(
        dossier=dossier,
        part_code=spec["code"],
        name=spec["name"],
        blob_sha256=digest,
        filename=safe_filename(upload.filename),
        copy_kind=upload.copy_kind,
    )
    db.session.add(part)
    return part


def attach_all(dossier, part_specs: list[dict], uploads, *, require_all: bool) -> list[DossierPart]:
    """Attach every upload; with `require_all`, each required part must be present."""
    specs = {spec["code"]: spec for spec in part_specs}
    uploads = [as_upload(item) for item in uploads or []]
    for upload in uploads:
        if upload.code not in specs:
            raise DomainError(
                f"'{upload.code}' không phải thành phần hồ sơ của thủ tục này; gồm: "
                f"{', '.join(specs)}",
                field="parts",
            )
    if require_all:
        given = {upload.code for upload in uploads}
        for spec in part_specs:
            if spec.get("required") and spec["code"] not in given:
                raise DomainError(f"Vui lòng nộp «{spec['name']}»", field=spec["code"])
    parts = [attach(dossier, specs[upload.code], upload) for upload in uploads]
    db.session.flush()
    return parts
