"""Signing backends chosen by name (ONESTOP_SIGNER): pkcs12 files, a pkcs11 token, or fake."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .base import SignatureRequest, SignedPdf, SigningBackend, Stamp
from .pki import DevPKI, Identity


def _pkcs12(app: Flask) -> SigningBackend:
    from .pkcs12 import PKCS12Backend

    # Development keys are created on first use everywhere except in production.
    return PKCS12Backend(pki_path(app), create_missing=app.config["ONESTOP_ENV"] != "production")


def _pkcs11(app: Flask) -> SigningBackend:
    from .pkcs11 import PKCS11Backend

    return PKCS11Backend(
        app.config.get("ONESTOP_PKCS11_MODULE"),
        app.config.get("ONESTOP_PKCS11_TOKEN"),
        app.config.get("ONESTOP_PKCS11_PIN"),
        pki_path(app),
    )


def _fake(app: Flask) -> SigningBackend:
    from .fake import FakeBackend

    return FakeBackend()


BACKENDS = {"pkcs12": _pkcs12, "pkcs11": _pkcs11, "fake": _fake}
_KEY = "onestop.signing"


def pki_path(app: Flask) -> Path:
    """Where development keys and extra trust roots live: instance/pki."""
    return Path(app.config["ONESTOP_INSTANCE_PATH"]) / "pki"


def signing_backend(app: Flask | None = None) -> SigningBackend:
    """The app's signing backend, built once from ONESTOP_SIGNER."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get(_KEY)
    if backend is None:
        name = app.config.get("ONESTOP_SIGNER") or "pkcs12"
        if name not in BACKENDS:
            raise LookupError(f"ONESTOP_SIGNER={name!r}: expected one of {', '.join(BACKENDS)}")
        backend = app.extensions[_KEY] = BACKENDS[name](app)
    return backend


def use_backend(app: Flask, backend: SigningBackend | None) -> None:
    """Replace the app's backend (tests, benchmarks); None goes back to the configured one."""
    if backend is None:
        app.extensions.pop(_KEY, None)
    else:
        app.extensions[_KEY] = backend


def timestamper(app: Flask | None = None):
    """The RFC 3161 time-stamp client for ONESTOP_TSA_URL, or None when no TSA is configured."""
    app = app or current_app._get_current_object()
    if "onestop.tsa" in app.extensions:
        return app.extensions["onestop.tsa"]
    url = app.config.get("ONESTOP_TSA_URL")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


__all__ = [
    "BACKENDS",
    "DevPKI",
    "Identity",
    "SignatureRequest",
    "SignedPdf",
    "SigningBackend",
    "Stamp",
    "pki_path",
    "signing_backend",
    "timestamper",
    "use_backend",
]
