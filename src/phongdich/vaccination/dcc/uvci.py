"""Unique vaccination certificate identifiers: `URN:UVCI:01:VN:<opaque>#<check>`, the check character
computed with Luhn mod N over the alphabet the EU guidelines give for UVCIs."""

import re
import secrets

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:"
SHAPE = re.compile(r"^URN:UVCI:01:[A-Z]{2}:[A-Z0-9/]{1,50}#[A-Z0-9/:]$")
OPAQUE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone


def check_character(text: str) -> str:
    n = len(ALPHABET)
    factor, total = 2, 0
    for char in reversed(text):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_uvci(country: str = "VN", issuer_code: str = "") -> str:
    opaque = "".join(secrets.choice(OPAQUE_ALPHABET) for _ in range(20))
    body = f"URN:UVCI:01:{country}:{issuer_code}{opaque}"
    return f"{body}#{check_character(body)}"


def is_valid(uvci: str) -> bool:
    if not SHAPE.match(uvci or ""):
        return False
    body, check = uvci.rsplit("#", 1)
    return check_character(body) == check
