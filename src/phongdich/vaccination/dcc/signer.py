"""Signing keys and signing. The country signing CA (CSCA) signs document-signer certificates (DSC); a DSC's
private key signs certificates. Private keys are PEM files in a directory outside the database, readable by
the service account only; the database keeps the public certificates and which one is in use."""

import hashlib
import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import base45
import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID, ObjectIdentifier

from .codec import CLAIM_EXP, CLAIM_HCERT, CLAIM_IAT, CLAIM_ISS, ES256, HEADER_ALG, HEADER_KID, PREFIX

CSCA_KEY, CSCA_CERT = "csca.key.pem", "csca.cert.pem"
# Extended key usage the EU gives a document signer allowed to sign vaccination certificates.
EKU_VACCINATION = ObjectIdentifier("1.3.6.1.4.1.1847.2021.1.2")


def kid_of(certificate_der: bytes) -> bytes:
    """The EU key id: the first 8 bytes of the SHA-256 of the DER certificate."""
    return hashlib.sha256(certificate_der).digest()[:8]


@dataclass
class NewSigner:
    kid: bytes
    certificate_der: bytes
    not_before: datetime
    not_after: datetime
    key_file: str


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _name(country: str, common_name: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, country), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )


def ensure_csca(key_dir: Path, *, country: str, common_name: str) -> x509.Certificate:
    """The country signing CA, created once (valid 10 years)."""
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert_path = key_dir / CSCA_CERT
    if cert_path.exists():
        return x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = _name(country, common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_dir / CSCA_KEY, key)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate


def create_signer(key_dir: Path, *, country: str, common_name: str, days: int = 730) -> NewSigner:
    """A new document signer certified by the CSCA; its private key is written beside the CSCA's."""
    csca = ensure_csca(key_dir, country=country, common_name=f"{common_name} CSCA")
    csca_key = serialization.load_pem_private_key((key_dir / CSCA_KEY).read_bytes(), password=None)
    assert isinstance(csca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC).replace(microsecond=0)
    not_after = min(now + timedelta(days=days), csca.not_valid_after_utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(country, f"{common_name} DSC {now:%Y%m%d%H%M%S}"))
        .issuer_name(csca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([EKU_VACCINATION]), critical=False)
        .sign(csca_key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    kid = kid_of(der)
    key_file = f"dsc-{kid.hex()}.key.pem"
    _write_private(key_dir / key_file, key)
    return NewSigner(kid, der, certificate.not_valid_before_utc, not_after, key_file)


def load_private(key_dir: Path, key_file: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key((key_dir / key_file).read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def sign(
    hcert: dict,
    *,
    key: ec.EllipticCurvePrivateKey,
    kid: bytes,
    issuer: str,
    issued_at: datetime,
    expires_at: datetime,
) -> str:
    """The HC1 text of a certificate: CWT claims in a COSE_Sign1 (ES256, kid in the protected header),
    compressed and Base45-encoded."""
    claims = {
        CLAIM_ISS: issuer,
        CLAIM_IAT: int(issued_at.timestamp()),
        CLAIM_EXP: int(expires_at.timestamp()),
        CLAIM_HCERT: {1: hcert},
    }
    protected = cbor2.dumps({HEADER_ALG: ES256, HEADER_KID: kid})
    payload = cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = decode_dss_signature(key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32) + s.to_bytes(32)
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature]))
    return PREFIX + base45.b45encode(zlib.compress(message, 9)).decode()
