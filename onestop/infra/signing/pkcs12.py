"""Keys in PKCS#12 files under instance/pki; missing development keys are created on first use."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign import signers

from .base import SigningBackend
from .pki import DevPKI, Identity


class MissingKey(LookupError):
    """No key file for a signer and creating development keys is not allowed."""


class PKCS12Backend(SigningBackend):
    """One .p12 file per key label; `create_missing` issues development keys from the local CA."""

    name = "pkcs12"

    def __init__(self, pki_path: str | Path, *, create_missing: bool = True, **_options):
        self.pki = DevPKI(pki_path)
        self.create_missing = create_missing
        self._signers: dict[str, signers.SimpleSigner] = {}

    def pyhanko_signer(self, identity: Identity) -> signers.SimpleSigner:
        cached = self._signers.get(identity.label)
        if cached is not None:
            return cached
        path = self.pki.p12_path(identity.label)
        if not path.exists():
            if not self.create_missing:
                raise MissingKey(
                    f"no signing key {path.name} in {self.pki.root}; "
                    f"create it with `onestop pki issue {identity.label}`"
                )
            self.pki.issue(identity)
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=self.pki.passphrase())
        if signer is None:
            raise MissingKey(f"{path} could not be opened with the passphrase in {self.pki.root}")
        self._signers[identity.label] = signer
        return signer

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        roots = []
        if self.pki.exists():
            roots.append(_load_pem(self.pki.ca_cert_path))
        for extra in sorted((self.pki.root / "trust").glob("*.pem")):
            roots.append(_load_pem(extra))
        return roots


def _load_pem(path: Path) -> asn1_x509.Certificate:
    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)
