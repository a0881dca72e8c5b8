"""A signer for tests: returns the PDF untouched and names a fake certificate, in microseconds."""

from __future__ import annotations

import hashlib

from .base import SignatureRequest, SignedPdf, SigningBackend


class FakeBackend(SigningBackend):
    """Records what would be signed; the bytes stay as rendered."""

    name = "fake"

    def __init__(self, **_options):
        self.requests: list[SignatureRequest] = []

    def sign(self, pdf: bytes, request: SignatureRequest, *, timestamper=None) -> SignedPdf:
        self.requests.append(request)
        subject = f"Common Name: {request.identity.common_name} (fake)"
        return SignedPdf(pdf, subject, hashlib.sha256(subject.encode()).hexdigest())
