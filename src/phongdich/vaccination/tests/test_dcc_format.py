"""The certificate format on its own: names, UVCIs, encoding and every way a text can be refused."""

import zlib
from datetime import UTC, datetime, timedelta

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from phongdich.vaccination.dcc import codec, signer, trust
from phongdich.vaccination.dcc.names import certificate_name, icao
from phongdich.vaccination.dcc.uvci import check_character, is_valid, new_uvci

NOW = datetime(2022, 5, 1, 3, 0, tzinfo=UTC)
HCERT = {
    "ver": "1.3.0",
    "nam": certificate_name("Nguyễn Thị Hằng"),
    "dob": "1986-03-14",
    "v": [
        {
            "tg": "840539006",
            "vp": "1119349007",
            "mp": "EU/1/20/1528",
            "ma": "ORG-100030215",
            "dn": 2,
            "sd": 2,
            "dt": "2021-08-30",
            "co": "VN",
            "is": "Ministry of Health of Viet Nam",
            "ci": "URN:UVCI:01:VN:ABCDEFGHJKLMNPQRSTUV#T",
        }
    ],
}


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    key_dir = tmp_path_factory.mktemp("keys")
    created = signer.create_signer(key_dir, country="VN", common_name="Sở Y tế Bình Dương")
    return created, signer.load_private(key_dir, created.key_file)


def sign(issuer, hcert=HCERT, issued=NOW - timedelta(days=1), days=365):
    created, key = issuer
    return signer.sign(
        hcert, key=key, kid=created.kid, issuer="VN", issued_at=issued, expires_at=issued + timedelta(days=days)
    )


def keys(issuer):
    return trust.keys_by_kid([issuer[0].certificate_der])


def test_vietnamese_names_are_transliterated_the_icao_way():
    assert certificate_name("Nguyễn Thị Hằng") == {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Hằng", "gnt": "THI<HANG"}
    assert icao("Đỗ Văn Tâm") == "DO<VAN<TAM"
    assert icao("Trương Ngọc Ánh") == "TRUONG<NGOC<ANH"
    assert icao("Müller-Lüdenscheidt") == "MUELLER<LUEDENSCHEIDT"


def test_a_uvci_carries_a_luhn_mod_n_check_character():
    uvci = new_uvci("VN")
    assert uvci.startswith("URN:UVCI:01:VN:") and is_valid(uvci)
    body = uvci.rsplit("#", 1)[0]
    wrong = next(c for c in "ABC" if c != check_character(body))
    assert not is_valid(f"{body}#{wrong}")


def test_a_signed_certificate_decodes_verifies_and_is_valid(issuer):
    text = sign(issuer)
    assert text.startswith("HC1:")
    verdict = codec.verify(text, keys=keys(issuer), at=NOW)
    assert (verdict.decoded, verdict.verified, verdict.valid, verdict.error) == (True, True, True, None)
    assert verdict.payload["nam"]["gnt"] == "THI<HANG"
    assert verdict.payload["v"][0]["dn"] == 2


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda text: "HC2:" + text[4:], "bad_prefix"),
        (lambda text: text + "~", "bad_base45"),
        (lambda text: "HC1:" + base45.b45encode(b"\x78\x9c" + b"garbage").decode(), "bad_zlib"),
        (lambda text: "HC1:" + base45.b45encode(zlib.compress(b"\xff\xff")).decode(), "bad_cbor"),
        (lambda text: "HC1:" + base45.b45encode(zlib.compress(cbor2.dumps([1, 2]))).decode(), "bad_cose"),
        (lambda text: "HC1:" + "A" * 9000, "too_large"),
    ],
)
def test_each_kind_of_damage_has_its_own_error(issuer, mangle, code):
    verdict = codec.verify(mangle(sign(issuer)), keys=keys(issuer), at=NOW)
    assert (verdict.decoded, verdict.valid, verdict.error) == (False, False, code)


def test_a_payload_that_is_not_a_health_certificate_is_refused(issuer):
    created, key = issuer
    protected = cbor2.dumps({1: -7, 4: created.kid})
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, cbor2.dumps({1: "VN"}), b"\0" * 64]))
    verdict = codec.verify("HC1:" + base45.b45encode(zlib.compress(message)).decode(), keys=keys(issuer), at=NOW)
    assert verdict.error == "bad_payload"


def test_an_unknown_key_a_forged_signature_and_time_limits_are_told_apart(issuer, tmp_path):
    text = sign(issuer)
    assert codec.verify(text, keys={}, at=NOW).error == "unknown_kid"
    other = signer.create_signer(tmp_path, country="VN", common_name="Kẻ giả mạo")
    forged = signer.sign(
        HCERT,
        key=signer.load_private(tmp_path, other.key_file),
        kid=issuer[0].kid,
        issuer="VN",
        issued_at=NOW,
        expires_at=NOW + timedelta(days=1),
    )
    assert codec.verify(forged, keys=keys(issuer), at=NOW).error == "bad_signature"
    assert codec.verify(text, keys=keys(issuer), at=NOW + timedelta(days=400)).error == "expired"
    assert codec.verify(text, keys=keys(issuer), at=NOW - timedelta(days=30)).error == "not_yet_valid"
    revoked = {codec.uvci_hash(HCERT["v"][0]["ci"])}
    verdict = codec.verify(text, keys=keys(issuer), at=NOW, revoked=revoked)
    assert (verdict.verified, verdict.valid, verdict.error) == (True, False, "revoked")


def test_another_issuers_ps256_certificate_with_its_key_id_unprotected_and_no_tag_verifies():
    """An issuer following the EU specification differently from us: RSA-PSS, kid in the unprotected header,
    an untagged COSE_Sign1."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "DE")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(NOW - timedelta(days=10)).not_valid_after(NOW + timedelta(days=400))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    der = certificate.public_bytes(Encoding.DER)
    kid = signer.kid_of(der)
    protected = cbor2.dumps({1: -37})
    payload = cbor2.dumps({1: "DE", 6: int(NOW.timestamp()) - 60, 4: int(NOW.timestamp()) + 3600, -260: {1: HCERT}})
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    signature = key.sign(to_sign, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    message = cbor2.dumps([protected, {4: kid}, payload, signature])
    text = "HC1:" + base45.b45encode(zlib.compress(message)).decode()
    verdict = codec.verify(text, keys=trust.keys_by_kid([der]), at=NOW)
    assert (verdict.verified, verdict.valid, verdict.kid is not None) == (True, True, True)


def _self_signed(key, country: str) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country)])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(NOW - timedelta(days=10))
        .not_valid_after(NOW + timedelta(days=400)).sign(key, hashes.SHA256())
    )  # fmt: skip
    return certificate.public_bytes(Encoding.DER)


def _cose_signed(key, alg: int, der: bytes, hcert: dict, country: str) -> str:
    """An HC1 text as another issuer makes it: a COSE_Sign1 over the CWT, signed with `alg` by `key`."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    protected = cbor2.dumps({1: alg, 4: signer.kid_of(der)})
    claims = {1: country, 6: int(NOW.timestamp()) - 60, 4: int(NOW.timestamp()) + 3600, -260: {1: hcert}}
    payload = cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    digest = codec.ALGORITHMS[alg][1]()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        r, s = decode_dss_signature(key.sign(to_sign, ec.ECDSA(digest)))
        signature = r.to_bytes(size) + s.to_bytes(size)
    else:
        signature = key.sign(to_sign, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest)
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature]))
    return "HC1:" + base45.b45encode(zlib.compress(message, 9)).decode()


def _ec(curve):
    from cryptography.hazmat.primitives.asymmetric import ec

    return lambda: ec.generate_private_key(curve())


@pytest.mark.parametrize(
    "alg, make_key",
    [
        (codec.ES256, "SECP256R1"),
        (codec.ES384, "SECP384R1"),
        (codec.ES512, "SECP521R1"),
        (codec.PS256, "rsa"),
        (codec.PS384, "rsa"),
    ],
)
def test_a_certificate_signed_with_each_algorithm_issuers_used_verifies(alg, make_key):
    """ES384 (P-384 signers) and the other COSE ECDSA and RSA-PSS variants, each with a real key."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if make_key == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    else:
        key = ec.generate_private_key(getattr(ec, make_key)())
    der = _self_signed(key, "FR")
    text = _cose_signed(key, alg, der, HCERT, "FR")
    verdict = codec.verify(text, keys=trust.keys_by_kid([der]), at=NOW)
    assert (verdict.verified, verdict.valid, verdict.error) == (True, True, None)


def test_an_es384_certificate_checked_against_another_p384_key_is_refused():
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP384R1())
    der = _self_signed(key, "FR")
    text = _cose_signed(key, codec.ES384, der, HCERT, "FR")
    other = ec.generate_private_key(ec.SECP384R1())
    verdict = codec.verify(text, keys=trust.keys_by_kid([der]) | {signer.kid_of(der): [other.public_key()]}, at=NOW)
    assert (verdict.verified, verdict.error) == (False, "bad_signature")


HCERT_1_0_0 = {
    "ver": "1.0.0",
    "nam": {"fnt": "TRAN", "gnt": "VAN<BINH"},
    "dob": "1979-04-14T00:00:00",
    "v": [
        {
            "tg": "840539006",
            "vp": "1119349007",
            "mp": "EU/1/20/1528",
            "ma": "ORG-100030215",
            "dn": 2,
            "sd": 2,
            "dt": "2021-05-29T00:00:00Z",
            "co": "AT",
            "is": "Ministry of Health, Austria",
            "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
        }
    ],
    "t": None,
    "r": None,
}


def test_a_schema_1_0_0_certificate_with_empty_groups_and_date_times_verifies():
    """Early certificates: groups they do not carry written as null, date-times for dates, no `fn`/`gn`."""
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    der = _self_signed(key, "AT")
    verdict = codec.verify(
        _cose_signed(key, codec.ES256, der, HCERT_1_0_0, "AT"), keys=trust.keys_by_kid([der]), at=NOW
    )
    assert (verdict.verified, verdict.valid, verdict.error) == (True, True, None)
    revoked = {codec.uvci_hash(HCERT_1_0_0["v"][0]["ci"])}
    text = _cose_signed(key, codec.ES256, der, HCERT_1_0_0, "AT")
    assert codec.verify(text, keys=trust.keys_by_kid([der]), at=NOW, revoked=revoked).error == "revoked"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_the_decoder_answers_any_text_with_a_verdict_never_a_crash(text):
    verdict = codec.verify("HC1:" + text, keys={}, at=NOW)
    assert verdict.valid is False and verdict.error


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_the_decoder_answers_any_compressed_bytes_with_a_verdict(data):
    text = "HC1:" + base45.b45encode(zlib.compress(data)).decode()
    verdict = codec.verify(text, keys={}, at=NOW)
    assert verdict.valid is False and verdict.error


CBOR_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.integers(-300, 10) | st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    CBOR_VALUES, CBOR_VALUES, st.one_of(CBOR_VALUES, st.just({-260: {1: {"nam": {"fnt": "A"}, "dob": 1, "v": [1]}}}))
)
def test_a_cose_message_of_any_shape_gets_a_verdict(headers, unprotected, claims):
    """Well-formed CBOR in the wrong shape: every part of the message and of the payload is checked."""
    try:
        protected, payload = cbor2.dumps(headers), cbor2.dumps(claims)
    except (TypeError, ValueError, OverflowError):
        return
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, b"\0" * 64]))
    verdict = codec.verify("HC1:" + base45.b45encode(zlib.compress(message)).decode(), keys={}, at=NOW)
    assert verdict.valid is False and verdict.error
