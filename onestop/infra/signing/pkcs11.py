"""Keys on a PKCS#11 token or HSM (SoftHSM2 in tests): the private key never leaves the token."""

from __future__ import annotations

from pathlib import Path

import pkcs11
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from .base import SigningBackend
from .pkcs12 import MissingKey, _load_pem
from .pki import DevPKI, Identity


class PKCS11Backend(SigningBackend):
    """Signs with the key and certificate labelled like the identity on one token."""

    name = "pkcs11"

    def __init__(
        self,
        module: str | None,
        token_label: str | None,
        pin: str | None,
        pki_path: str | Path,
        **_options,
    ):
        if not module or not Path(module).exists():
            raise MissingKey(f"ONESTOP_PKCS11_MODULE={module!r} is not a PKCS#11 library file")
        if not token_label:
            raise MissingKey("ONESTOP_PKCS11_TOKEN must name the token holding the signing keys")
        self.module, self.token_label, self.pin = module, token_label, pin
        self.pki = DevPKI(pki_path)
        self._session = None

    def session(self):
        if self._session is None:
            self._session = open_pkcs11_session(
                self.module, token_label=self.token_label, user_pin=self.pin
            )
        return self._session

    def writable_session(self):
        """A read-write session for provisioning keys (signing needs only read access)."""
        token = pkcs11.lib(self.module).get_token(token_label=self.token_label)
        return token.open(rw=True, user_pin=self.pin)

    def pyhanko_signer(self, identity: Identity) -> PKCS11Signer:
        session = self.session()
        found = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: identity.label}
            )
        )
        if not found:
            raise MissingKey(
                f"token {self.token_label!r} has no certificate labelled "
                f"{identity.label!r}; provision it with `onestop pki issue "
                f"{identity.label} --pkcs11`"
            )
        return PKCS11Signer(
            session,
            cert_label=identity.label,
            key_label=identity.label,
            other_certs_to_pull=None,
            embed_roots=True,
        )

    def trust_roots(self):
        roots = [_load_pem(self.pki.ca_cert_path)] if self.pki.exists() else []
        roots += [_load_pem(p) for p in sorted((self.pki.root / "trust").glob("*.pem"))]
        return roots

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def provision(session, identity: Identity, pki: DevPKI) -> bytes:
    """Generate a key pair on the token, certify it with the development CA, store the certificate.

    Returns the certificate (DER). Real deployments load a CA-issued certificate instead.
    """
    pki.init()
    public, _private = session.generate_keypair(
        KeyType.RSA, 2048, label=identity.label, id=identity.label.encode(), store=True
    )
    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
        int.from_bytes(public[Attribute.MODULUS], "big"),
    )
    cert = pki.certify(identity, numbers.public_key())
    der = cert.public_bytes(Encoding.DER)
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: identity.label,
            Attribute.ID: identity.label.encode(),
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: der,
        }
    )
    return der


__all__ = ["PKCS11Backend", "provision"]
