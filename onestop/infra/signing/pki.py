"""A development PKI: a local CA and PKCS#12 keys per signer and per organisation, in instance/pki.

Production keys come from a real CA (PKCS#12 files dropped in the same folder, or a PKCS#11 token);
this module only makes embedded mode work with zero set-up and gives tests real certificates.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "onestop development CA"
_LABEL = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Identity:
    """Who a key belongs to: printed in the certificate subject."""

    label: str
    common_name: str
    organisation: str | None = None
    title: str | None = None


class DevPKI:
    """The folder holding the development CA, the passphrase and one .p12 file per key label."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def ca_cert_path(self) -> Path:
        return self.root / "ca.pem"

    def p12_path(self, label: str) -> Path:
        if not _LABEL.match(label):
            raise ValueError(
                f"key label {label!r} must be lower-case letters, digits, '.', '_', '-'"
            )
        return self.root / f"{label}.p12"

    def passphrase(self) -> bytes:
        """The passphrase protecting every development .p12 file (created with the CA)."""
        return (self.root / "passphrase").read_bytes().strip()

    def exists(self) -> bool:
        return self.ca_cert_path.exists()

    def init(self) -> bool:
        """Create the CA once; returns False when it already exists."""
        if self.exists():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        _write_secret(self.root / "passphrase", secrets.token_urlsafe(24).encode())
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            ]
        )
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        _write_secret(
            self.root / "ca.key",
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(self.passphrase()),
            ),
        )
        self.ca_cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return True

    def ca(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """The CA certificate and key, creating them on first use."""
        self.init()
        cert = x509.load_pem_x509_certificate(self.ca_cert_path.read_bytes())
        key = serialization.load_pem_private_key(
            (self.root / "ca.key").read_bytes(), self.passphrase()
        )
        return cert, key

    def certify(
        self, identity: Identity, public_key, *, days: int = 1095, timestamping: bool = False
    ) -> x509.Certificate:
        """A certificate from the development CA for a public key (file or token key)."""
        ca_cert, ca_key = self.ca()
        attributes = [
            x509.NameAttribute(NameOID.COMMON_NAME, identity.common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
        if identity.organisation:
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, identity.organisation))
        if identity.title:
            attributes.append(x509.NameAttribute(NameOID.TITLE, identity.title))
        now = datetime.now(UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(ca_cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        else:
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                critical=True,
            )
        return builder.sign(ca_key, hashes.SHA256())

    def issue(self, identity: Identity, *, replace: bool = False) -> Path:
        """Create (or with `replace`, renew) the .p12 of a signer or an organisation."""
        path = self.p12_path(identity.label)
        if path.exists() and not replace:
            return path
        self.init()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = self.certify(identity, key.public_key())
        ca_cert, _ = self.ca()
        data = pkcs12.serialize_key_and_certificates(
            identity.label.encode(),
            key,
            cert,
            [ca_cert],
            serialization.BestAvailableEncryption(self.passphrase()),
        )
        _write_secret(path, data)
        return path

    def labels(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.p12"))


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
