"""An RFC 3161 time stamp from a TSA configured by URL: a local TSA over HTTP on 127.0.0.1."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.operations import issue_result
from onestop.domain.documents.verification import verify_pdf
from onestop.extensions import db
from onestop.infra.signing.pki import Identity
from onestop.services import storage

pytestmark = pytest.mark.slow


@pytest.fixture
def local_tsa(real_signer):
    """A time-stamp authority certified by the development CA, answering on a loopback port."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = real_signer.pki.certify(
        Identity("tsa", "onestop test TSA"), key.public_key(), timestamping=True
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        ),
    )
    served = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            served.append(request)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa", served
    server.shutdown()
    server.server_close()


def test_signatures_carry_a_time_stamp_when_a_tsa_is_configured(
    app, local_tsa, make_dossier, authorisation
):
    url, served = local_tsa
    app.config["ONESTOP_TSA_URL"] = url
    try:
        document = issue_result(make_dossier(), authorisation)
        assert run_render(document.id) == "signed"
    finally:
        app.config["ONESTOP_TSA_URL"] = None
    db.session.refresh(document)
    report = verify_pdf(storage().get(document.blob_sha256))
    assert report.ok, report.reasons()
    assert len(served) >= 2  # one per signature (pyHanko may also probe the size once)
    assert all(signature.timestamped for signature in report.signatures)
