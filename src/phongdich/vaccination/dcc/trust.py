"""Trusted document-signer certificates, read from a file in any of the shapes trust lists come in: PEM
blocks, one DER certificate, base64-DER lines, or this instance's JSON trust list."""

import base64
import binascii
import json
import re
from collections import defaultdict

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .signer import kid_of

PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


class TrustFileError(ValueError):
    pass


def certificates_from_bytes(data: bytes) -> list[bytes]:
    """DER certificates found in a trust file."""
    if blocks := PEM_BLOCK.findall(data):
        return [x509.load_pem_x509_certificate(block).public_bytes(Encoding.DER) for block in blocks]
    if data[:1] == b"\x30":
        return [data]
    text = data.decode("utf-8", errors="strict").strip()
    if text.startswith(("{", "[")):
        return _from_json(json.loads(text))
    ders = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            ders.append(base64.b64decode(line.split()[-1], validate=True))
        except binascii.Error as error:
            raise TrustFileError(f"Line {number} is not base64 DER.") from error
    return ders


def _from_json(document) -> list[bytes]:
    entries = document.get("certificates", []) if isinstance(document, dict) else document
    return [base64.b64decode(entry["certificate"] if isinstance(entry, dict) else entry) for entry in entries]


def keys_by_kid(ders: list[bytes]) -> dict[bytes, list]:
    """kid → public keys. Two certificates may share a kid (8 bytes); the verifier tries each."""
    keys: dict[bytes, list] = defaultdict(list)
    for der in ders:
        try:
            certificate = x509.load_der_x509_certificate(der)
        except ValueError as error:
            raise TrustFileError("A trusted certificate is not valid DER X.509.") from error
        keys[kid_of(der)].append(certificate.public_key())
    return dict(keys)


def load(path) -> dict[bytes, list]:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return keys_by_kid(certificates_from_bytes(data))
    except (ValueError, KeyError, TypeError) as error:
        raise TrustFileError(f"{path}: {error}") from error
