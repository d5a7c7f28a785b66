"""Warning signs: a reading judged against the warning-sign rules in force (care.models.WarningRules).

A sign is a small dict, stored as it is on the self-report and its alert: {"code": "spo2_low", "value": 95,
"limit": 96}, {"code": "symptom", "symptom": "chest_pain"}, {"code": "missed_reports", "hours": 12}. It is put
into words only when shown (`sign_text`), in the reader's language. The severity is the band of
care.choices.Severity the rules' `severity` bands give the reading: the breathing rate and SpO₂ bands of
4111/QĐ-BYT for adults, a child's breathing by the threshold of their age, and the symptoms each band names.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from .choices import Severity, Symptom
from .models import WarningRules


@dataclass(frozen=True)
class Reading:
    spo2: int | None = None
    breathing_rate: int | None = None
    pulse: int | None = None
    temperature: Decimal | None = None
    systolic: int | None = None
    diastolic: int | None = None
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    signs: list[dict] = field(default_factory=list)
    severity: str = Severity.MILD

    @property
    def is_warning(self) -> bool:
        return bool(self.signs)


def age_in_years(birth_date: date | None, birth_year: int | None, on: date) -> float | None:
    """The age on a day, in years with their fraction when the birth date is known (an infant's breathing
    threshold changes at two months), in whole years from the year of birth otherwise."""
    if birth_date is not None:
        return max(0.0, (on - birth_date).days / 365.25)
    if birth_year:
        return float(max(0, on.year - birth_year))
    return None


def breathing_limit(rules: WarningRules, age: float | None) -> int | None:
    """The breathing rate from which a person of this age shows a warning sign; an unknown age counts as an adult
    (the band without an upper age)."""
    bands = rules.thresholds.get("breathing", [])
    if age is None:
        adult = [band for band in bands if band.get("below_age") is None]
        return adult[0]["at_least"] if adult else None
    for band in bands:
        if band.get("from_age", 0) <= age and (band.get("below_age") is None or age < band["below_age"]):
            return band["at_least"]
    return None


def evaluate(reading: Reading, rules: WarningRules, age: float | None) -> Evaluation:
    signs = _vital_signs(reading, rules.thresholds, breathing_limit(rules, age))
    warning_symptoms = set(rules.warning_symptoms)
    signs += [{"code": "symptom", "symptom": code} for code in reading.symptoms if code in warning_symptoms]
    return Evaluation(signs=signs, severity=_severity(reading, rules.severity, signs, age))


def _vital_signs(reading: Reading, limits: dict, breathing_at_least: int | None) -> list[dict]:
    checks = [
        ("spo2_low", reading.spo2, "spo2_at_most", lambda value, limit: value <= limit),
        ("breathing_fast", reading.breathing_rate, None, lambda value, limit: value >= limit),
        ("pulse_fast", reading.pulse, "pulse_above", lambda value, limit: value > limit),
        ("pulse_slow", reading.pulse, "pulse_below", lambda value, limit: value < limit),
        ("systolic_low", reading.systolic, "systolic_below", lambda value, limit: value < limit),
        ("diastolic_low", reading.diastolic, "diastolic_below", lambda value, limit: value < limit),
        ("temperature_high", reading.temperature, "temperature_at_least", lambda value, limit: value >= limit),
    ]
    signs = []
    for code, value, key, crosses in checks:
        limit = breathing_at_least if code == "breathing_fast" else limits.get(key or "")
        if value is not None and limit is not None and crosses(value, limit):
            signs.append({"code": code, "value": str(value) if isinstance(value, Decimal) else value, "limit": limit})
    return signs


def _severity(reading: Reading, bands: dict, signs: list[dict], age: float | None) -> str:
    """Severe, moderate or mild, by the first band the reading reaches (the rules' `severity`)."""
    codes = {sign["code"] for sign in signs}
    symptoms = set(reading.symptoms)
    adult = age is None or age >= bands.get("adult_from_age", 12)
    severe, moderate = bands.get("severe", {}), bands.get("moderate", {})
    if (
        _below(reading.spo2, severe.get("spo2_below"))
        or (adult and _above(reading.breathing_rate, severe.get("adult_breathing_above")))
        or symptoms & set(severe.get("symptoms", []))
    ):
        return Severity.SEVERE
    if (
        _at_most(reading.spo2, moderate.get("spo2_at_most"))
        or (moderate.get("breathing_warning") and "breathing_fast" in codes)
        or symptoms & set(moderate.get("symptoms", []))
    ):
        return Severity.MODERATE
    return Severity.MILD


def _below(value, limit) -> bool:
    return value is not None and limit is not None and value < limit


def _above(value, limit) -> bool:
    return value is not None and limit is not None and value > limit


def _at_most(value, limit) -> bool:
    return value is not None and limit is not None and value <= limit


def sign_text(sign: dict) -> str:
    """A stored sign in the reader's language."""
    code = sign.get("code")
    if code == "symptom":
        try:
            return str(Symptom(str(sign.get("symptom"))).label)
        except ValueError:
            return str(sign.get("symptom"))
    if code == "missed_reports":
        return _("No report for %(hours)s hours") % {"hours": sign.get("hours", "")}
    texts = {
        "spo2_low": _("SpO₂ %(value)s %% (at most %(limit)s %%)"),
        "breathing_fast": _("Breathing %(value)s/min (from %(limit)s/min)"),
        "pulse_fast": _("Pulse %(value)s/min (above %(limit)s)"),
        "pulse_slow": _("Pulse %(value)s/min (below %(limit)s)"),
        "systolic_low": _("Systolic pressure %(value)s mmHg (below %(limit)s)"),
        "diastolic_low": _("Diastolic pressure %(value)s mmHg (below %(limit)s)"),
        "temperature_high": _("Temperature %(value)s °C (from %(limit)s °C)"),
    }
    if code not in texts:
        return str(code)
    return texts[code] % {"value": _number(sign.get("value")), "limit": _number(sign.get("limit"))}


def _number(value) -> str:
    """A stored value as the reader writes numbers (37,5 in Vietnamese)."""
    try:
        return formats.localize(Decimal(str(value)) if "." in str(value) else int(value))
    except (ArithmeticError, TypeError, ValueError):
        return str(value)


def signs_text(signs: list[dict]) -> str:
    return "; ".join(sign_text(sign) for sign in signs)
