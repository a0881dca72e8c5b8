"""Signing with keys on a PKCS#11 token: SoftHSM2, a real token implementation, in a temp folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.operations import issue_result
from onestop.domain.documents.verification import verify_pdf
from onestop.extensions import db
from onestop.infra.signing import use_backend
from onestop.infra.signing.pkcs11 import PKCS11Backend, provision
from onestop.infra.signing.pki import DevPKI, Identity
from onestop.services import storage

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
MODULE = next((path for path in MODULE_CANDIDATES if Path(path).exists()), None)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        MODULE is None or shutil.which("softhsm2-util") is None,
        reason="SoftHSM2 is not installed (apt-get install softhsm2)",
    ),
]
TOKEN, PIN = "onestop-test", "1234"


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A fresh SoftHSM2 token holding the Chairman's and the People's Committee's keys."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            "5678",
        ],
        check=True,
        capture_output=True,
    )
    pki = DevPKI(folder / "pki")
    backend = PKCS11Backend(MODULE, TOKEN, PIN, pki.root)
    with backend.writable_session() as session:
        for identity in (
            Identity("user-chutich.tinh", "Nguyễn Văn Hùng", "UBND tỉnh", "Chủ tịch"),
            Identity("org-ubnd-tinh", "Ủy ban nhân dân tỉnh Hòa Bình Demo"),
        ):
            provision(session, identity, pki)
    yield backend
    backend.close()
    os.environ.pop("SOFTHSM2_CONF", None)


def test_a_result_signed_on_the_token_validates(app, token, make_dossier, authorisation):
    """Does a result signed by token keys pass pyHanko's validation, trusted and unchanged?"""
    use_backend(app, token)
    try:
        document = issue_result(make_dossier(), authorisation)
        assert run_render(document.id) == "signed"
        db.session.refresh(document)
        report = verify_pdf(storage().get(document.blob_sha256))
    finally:
        use_backend(app, None)
    assert report.ok, report.reasons()
    assert [s.trusted for s in report.signatures] == [True, True]
    assert "Nguyễn Văn Hùng" in report.signatures[0].signer


def test_a_missing_key_on_the_token_is_named(token):
    from onestop.infra.signing.pkcs12 import MissingKey

    with pytest.raises(MissingKey, match="user-nobody"):
        token.pyhanko_signer(Identity("user-nobody", "Nobody"))
