"""Identity numbers and phone numbers as Vietnamese authorities issue them."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Birth-registration place codes printed as the first three digits of a CCCD: the 63 pre-2025 province codes.
CCCD_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
# The fourth digit encodes sex and century of birth: 0/1 male/female born 1900-1999, 2/3 for 2000-2099, ...
CCCD_CENTURY_BASE = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}


def normalize_id_number(value: str, *, birth_year: int | None = None, sex: str = "") -> str:
    """Return a validated 12-digit CCCD or 9-digit CMND, or raise ValidationError saying what is wrong."""
    digits = re.sub(r"[\s.-]", "", value or "")
    if not digits.isdigit():
        raise ValidationError(_("An ID number contains digits only."), code="id_not_digits")
    if len(digits) == 9:
        return digits
    if len(digits) != 12:
        raise ValidationError(
            _("A CCCD has 12 digits and an old CMND 9; this one has %(n)d.") % {"n": len(digits)},
            code="id_length",
        )
    if digits[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("A CCCD starts with a province code; %(code)s is not one.") % {"code": digits[:3]},
            code="id_province",
        )
    gender_digit = int(digits[3])
    if birth_year is not None:
        encoded_year = CCCD_CENTURY_BASE[gender_digit] + int(digits[4:6])
        if encoded_year != birth_year:
            raise ValidationError(
                _("This CCCD encodes birth year %(encoded)d, not %(year)d.")
                % {"encoded": encoded_year, "year": birth_year},
                code="id_birth_year",
            )
    if sex in {"male", "female"}:
        encoded_sex = "male" if gender_digit % 2 == 0 else "female"
        if encoded_sex != sex:
            raise ValidationError(_("This CCCD encodes the other sex."), code="id_sex")
    return digits


def cccd_for(province_code: int, birth: date, sex: str, serial: int) -> str:
    """Build a well-formed CCCD (used by the demo and tests)."""
    century_digit = (birth.year // 100 - 19) * 2 % 10 if birth.year >= 1900 else 8
    gender_digit = century_digit + (1 if sex == "female" else 0)
    return f"{province_code:03d}{gender_digit}{birth.year % 100:02d}{serial % 1_000_000:06d}"


def normalize_phone(value: str) -> str:
    """'0912 345 678', '84912345678', '+84-912.345.678' -> '+84912345678'. Mobiles and 02x landlines."""
    raw = re.sub(r"[\s.()-]", "", value or "")
    if raw.startswith("+"):
        raw = raw[1:]
        if not raw.startswith("84"):
            raise ValidationError(_("Only Vietnamese numbers (+84) are accepted."), code="phone_country")
        national = raw[2:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        raise ValidationError(_("A phone number starts with 0 or +84."), code="phone_prefix")
    if not national.isdigit():
        raise ValidationError(_("A phone number contains digits only."), code="phone_not_digits")
    is_mobile = len(national) == 9 and national[0] in "35789"
    is_landline = len(national) == 10 and national[0] == "2"
    if not (is_mobile or is_landline):
        raise ValidationError(
            _("%(value)s is not a Vietnamese mobile (0 + 9 digits) or landline (02 + 9 digits) number.")
            % {"value": value},
            code="phone_invalid",
        )
    return "+84" + national
