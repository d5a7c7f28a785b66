"""Decode and verify an `HC1:` text: Base45 → zlib → COSE_Sign1 → CWT claims → the certificate payload.

Every failure is a `DccError` with its own code, so a verifier can say exactly why a text is refused. Decoding
follows the EU specification as issuers apply it, not only as this instance writes it: the COSE_Sign1 may be
tagged (18), wrapped in a CWT tag (61) or untagged; the key id may sit in the protected or the unprotected
header; the algorithm is any ECDSA or RSA-PSS one issuers used (ES256, ES384, ES512, PS256, PS384, PS512); an
uncompressed payload is accepted when it is valid CBOR; and a payload of any schema version from 1.0.0 on is read
(1.0.x allowed `null` for the groups a certificate does not carry, and date-times where 1.3 has dates).
"""

import base64
import hashlib
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

PREFIX = "HC1:"
MAX_TEXT = 8192  # a QR code (version 40, level Q) holds at most 3,993 alphanumerics
MAX_INFLATED = 64 * 1024

ES256, ES384, ES512, PS256, PS384, PS512 = -7, -35, -36, -37, -38, -39
# COSE algorithm → (key type, hash). The EU specification names ES256 and PS256; signers on P-384 (ES384) were
# in the network's trust list too, so a verifier takes every ECDSA and RSA-PSS variant COSE defines.
ALGORITHMS: dict[int, tuple[type, type[hashes.HashAlgorithm]]] = {
    ES256: (ec.EllipticCurvePublicKey, hashes.SHA256),
    ES384: (ec.EllipticCurvePublicKey, hashes.SHA384),
    ES512: (ec.EllipticCurvePublicKey, hashes.SHA512),
    PS256: (rsa.RSAPublicKey, hashes.SHA256),
    PS384: (rsa.RSAPublicKey, hashes.SHA384),
    PS512: (rsa.RSAPublicKey, hashes.SHA512),
}
HEADER_ALG, HEADER_KID = 1, 4
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_HCERT = 1, 4, 6, -260
TAG_COSE_SIGN1, TAG_CWT = 18, 61
ENTRY_KINDS = ("v", "t", "r")  # vaccination, test, recovery


class DccError(Exception):
    """A refused certificate: `code` is stable (for programs), the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Decoded:
    kid: bytes | None
    alg: int | None
    protected: bytes
    payload_cbor: bytes
    signature: bytes
    claims: Mapping
    issuer: str | None = None
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    hcert: Mapping = field(default_factory=dict)


def unwrap(text: str) -> bytes:
    """The COSE bytes inside an HC1 text."""
    if not isinstance(text, str):
        raise DccError("not_text", "The certificate must be text.")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise DccError("too_large", f"The text is longer than {MAX_TEXT} characters; no QR code holds that much.")
    if not text.startswith(PREFIX):
        raise DccError("bad_prefix", f"A certificate starts with {PREFIX}.")
    try:
        compressed = base45.b45decode(text[len(PREFIX) :])
    except (ValueError, UnicodeError) as error:
        raise DccError("bad_base45", "The text after HC1: is not valid Base45.") from error
    if compressed[:1] != b"\x78":  # no zlib header: some issuers skip compression
        return compressed
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, MAX_INFLATED)
        if inflater.unconsumed_tail:
            raise DccError("too_large", "The certificate inflates to more than 64 KiB.")
        if not inflater.eof:
            raise DccError("bad_zlib", "The compressed data is cut short.")
    except zlib.error as error:
        raise DccError("bad_zlib", "The compressed data is corrupt.") from error
    return raw


def _cbor(data: bytes, what: str):
    try:
        return cbor2.loads(data)
    except Exception as error:  # cbor2 raises a variety of errors on hostile input
        raise DccError("bad_cbor", f"The {what} is not valid CBOR.") from error


def parse(text: str) -> Decoded:
    """Decode without checking the signature."""
    message = _cbor(unwrap(text), "certificate")
    if isinstance(message, cbor2.CBORTag) and message.tag == TAG_CWT:
        message = message.value
    if isinstance(message, cbor2.CBORTag):
        if message.tag != TAG_COSE_SIGN1:
            raise DccError("bad_cose", f"CBOR tag {message.tag} is not a COSE_Sign1 message.")
        message = message.value
    if not (isinstance(message, list | tuple) and len(message) == 4):
        raise DccError("bad_cose", "A COSE_Sign1 message is an array of four items.")
    protected, unprotected, payload, signature = message
    if not (isinstance(protected, bytes) and isinstance(unprotected, Mapping)):
        raise DccError("bad_cose", "The COSE headers are malformed.")
    if not (isinstance(payload, bytes) and isinstance(signature, bytes)):
        raise DccError("bad_cose", "The COSE payload or signature is not a byte string.")
    headers = _cbor(protected, "protected header") if protected else {}
    if not isinstance(headers, Mapping):
        raise DccError("bad_cose", "The protected header is not a map.")
    kid = headers.get(HEADER_KID, unprotected.get(HEADER_KID))
    alg = headers.get(HEADER_ALG, unprotected.get(HEADER_ALG))
    if kid is not None and not isinstance(kid, bytes):
        raise DccError("bad_cose", "The key id is not a byte string.")
    decoded = Decoded(kid, alg, protected, payload, signature, claims={})
    _read_claims(decoded)
    return decoded


def _read_claims(decoded: Decoded) -> None:
    claims = _cbor(decoded.payload_cbor, "payload")
    if not isinstance(claims, Mapping):
        raise DccError("bad_payload", "The CWT payload is not a map of claims.")
    hcert = claims.get(CLAIM_HCERT)
    if not isinstance(hcert, Mapping) or not isinstance(hcert.get(1), Mapping):
        raise DccError("bad_payload", "The payload holds no health certificate (claim -260, key 1).")
    for claim in (CLAIM_EXP, CLAIM_IAT):
        if claim in claims and not isinstance(claims[claim], int | float):
            raise DccError("bad_payload", "The issue and expiry times must be numbers.")
    try:
        decoded.issued_at = _moment(claims.get(CLAIM_IAT))
        decoded.expires_at = _moment(claims.get(CLAIM_EXP))
    except (OverflowError, ValueError, OSError) as error:
        raise DccError("bad_payload", "The issue or expiry time is out of range.") from error
    iss = claims.get(CLAIM_ISS)
    decoded.issuer = iss if isinstance(iss, str) else None
    decoded.claims = claims
    decoded.hcert = hcert[1]
    _check_shape(decoded.hcert)


def _moment(value) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _check_shape(hcert: Mapping) -> None:
    """What every schema version from 1.0.0 on requires and a verifier relies on: a standardised family name, a
    birth date, and one kind of entry (1.0.x certificates may carry the other kinds as `null`)."""
    name = hcert.get("nam")
    if not isinstance(name, Mapping) or not isinstance(name.get("fnt"), str):
        raise DccError("bad_payload", "The certificate has no standardised family name (nam.fnt).")
    if not isinstance(hcert.get("dob"), str):
        raise DccError("bad_payload", "The certificate has no date of birth (dob).")
    entries = [key for key in ENTRY_KINDS if hcert.get(key) is not None]
    if len(entries) != 1 or not isinstance(hcert[entries[0]], list | tuple) or not hcert[entries[0]]:
        raise DccError("bad_payload", "A certificate holds exactly one non-empty list: v, t or r.")
    if not all(isinstance(entry, Mapping) for entry in hcert[entries[0]]):
        raise DccError("bad_payload", "Each certificate entry is a map.")


def signed_bytes(decoded: Decoded) -> bytes:
    return cbor2.dumps(["Signature1", decoded.protected, b"", decoded.payload_cbor])


def check_signature(decoded: Decoded, public_key) -> None:
    if not isinstance(decoded.alg, int) or decoded.alg not in ALGORITHMS:
        raise DccError("unsupported_alg", f"Algorithm {decoded.alg!r} is not an ECDSA or RSA-PSS algorithm of COSE.")
    key_type, digest = ALGORITHMS[decoded.alg]
    if not isinstance(public_key, key_type):
        raise DccError("bad_signature", "The trusted key for this key id does not fit the algorithm.")
    data = signed_bytes(decoded)
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            size = (public_key.curve.key_size + 7) // 8  # COSE writes r and s at the curve's size, end to end
            if len(decoded.signature) != 2 * size:
                raise DccError("bad_signature", f"An ECDSA signature on this key is {2 * size} bytes.")
            r, s = int.from_bytes(decoded.signature[:size]), int.from_bytes(decoded.signature[size:])
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest()))
        elif isinstance(public_key, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(digest()), salt_length=padding.PSS.AUTO)
            public_key.verify(decoded.signature, data, pss, digest())
    except InvalidSignature as error:
        raise DccError("bad_signature", "The signature does not match the trusted key.") from error


def uvci_hash(uvci: str) -> str:
    """How a revocation list names a certificate without revealing its identifier."""
    return hashlib.sha256(uvci.strip().upper().encode()).hexdigest()


def certificate_ids(hcert: Mapping) -> list[str]:
    return [entry["ci"] for key in ENTRY_KINDS for entry in hcert.get(key) or [] if isinstance(entry.get("ci"), str)]


@dataclass
class Verdict:
    decoded: bool = False
    verified: bool = False
    valid: bool = False
    kid: str | None = None
    payload: dict | None = None
    error: str | None = None
    message: str = ""
    issued_at: datetime | None = None
    expires_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "decoded": self.decoded,
            "verified": self.verified,
            "valid": self.valid,
            "kid": self.kid,
            "payload": self.payload,
            "error": self.error,
        }


def verify(
    text: str,
    *,
    keys: Callable[[bytes], Iterable] | dict,
    at: datetime,
    revoked: Callable[[str], bool] | set[str] | frozenset[str] = frozenset(),
) -> Verdict:
    """Decode, verify and judge one certificate. `keys` gives the trusted public keys for a key id (a dict of
    kid → keys, or a function); `revoked` says whether a UVCI hash is on the revocation list."""
    verdict = Verdict()
    try:
        decoded = parse(text)
        verdict.decoded, verdict.payload = True, _jsonable(decoded.hcert)
        verdict.issued_at, verdict.expires_at = decoded.issued_at, decoded.expires_at
        verdict.kid = base64.b64encode(decoded.kid).decode() if decoded.kid else None
        if not decoded.kid:
            raise DccError("no_kid", "The certificate names no key id.")
        candidates = list(keys.get(decoded.kid, ()) if isinstance(keys, dict) else keys(decoded.kid))
        if not candidates:
            raise DccError("unknown_kid", "No trusted document-signer certificate has this key id.")
        _check_any(decoded, candidates)
        verdict.verified = True
        _check_time(decoded, at)
        is_revoked = revoked if callable(revoked) else revoked.__contains__
        if any(is_revoked(uvci_hash(ci)) for ci in certificate_ids(decoded.hcert)):
            raise DccError("revoked", "The issuer has revoked this certificate.")
        verdict.valid = True
    except DccError as error:
        verdict.error, verdict.message = error.code, str(error)
    return verdict


def _check_any(decoded: Decoded, candidates: list) -> None:
    failure: DccError | None = None
    for public_key in candidates:
        try:
            check_signature(decoded, public_key)
            return
        except DccError as error:
            failure = error
    assert failure is not None
    raise failure


def _check_time(decoded: Decoded, at: datetime) -> None:
    if decoded.expires_at is None or decoded.issued_at is None:
        raise DccError("bad_payload", "The certificate carries no issue or expiry time.")
    if at < decoded.issued_at:
        raise DccError("not_yet_valid", "The certificate was issued after the time of checking.")
    if at > decoded.expires_at:
        raise DccError("expired", "The certificate has expired.")


def _jsonable(value):
    """The payload as JSON can carry it (CBOR allows byte strings, tags and non-string keys)."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, cbor2.CBORTag):
        return _jsonable(value.value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
