"""The signing interface: what a backend is asked to sign and what it answers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509

from .pki import Identity


@dataclass(frozen=True)
class Stamp:
    """The visible appearance of one signature: where, which text, which image behind it."""

    page: int
    box: tuple[float, float, float, float]  # PDF points, (left, bottom, right, top)
    text: str = ""
    image: object | None = None  # a PIL image with transparency (signature or seal)
    font_size: int = 10


@dataclass(frozen=True)
class SignatureRequest:
    """One PAdES signature to add to a PDF, by the key of `identity`."""

    identity: Identity
    field_name: str
    reason: str
    location: str
    stamp: Stamp | None = None
    contact: str | None = None


@dataclass(frozen=True)
class SignedPdf:
    """A signed PDF and the certificate that signed it."""

    data: bytes
    certificate_subject: str
    certificate_sha256: str
    extra: dict = field(default_factory=dict)


class SigningBackend:
    """A place keys live (files, a token, nothing for tests); subclasses provide the signer."""

    name = "abstract"

    def pyhanko_signer(self, identity: Identity):
        """A pyHanko `Signer` for the key of `identity`, creating development keys if allowed."""
        raise NotImplementedError  # interface

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        """Certificates a verifier should trust for documents signed here."""
        return []

    def sign(self, pdf: bytes, request: SignatureRequest, *, timestamper=None) -> SignedPdf:
        """Add one PAdES signature (incremental update) and return the new bytes."""
        from .pades import sign_pdf

        signer = self.pyhanko_signer(request.identity)
        data = sign_pdf(pdf, signer, request, timestamper=timestamper)
        cert = signer.signing_cert
        return SignedPdf(data, cert.subject.human_friendly, hashlib.sha256(cert.dump()).hexdigest())

    def close(self) -> None:
        """Release sessions or handles (tokens); files need nothing."""
