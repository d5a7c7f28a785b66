"""Reading the tower's rules: the version in force on a day, a patient's severity band and where it is treated."""

from dataclasses import dataclass
from datetime import date

from .choices import BedKind, PatientSeverity, Tier
from .models import TowerRules


def tower_rules_on(day: date) -> TowerRules:
    """The version in force on `day`; before the first version, the first (a bed taken then still needs a band)."""
    rules = TowerRules.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rules or TowerRules.objects.order_by("effective_from").first()


def severity_of(vitals: dict, rules: TowerRules) -> str:
    """The first band whose breathing rate or SpO₂ limit the readings cross; mild when none does."""
    breathing_rate, spo2 = vitals.get("breathing_rate"), vitals.get("spo2")
    for band in rules.severity_bands:
        if breathing_rate is not None and breathing_rate >= band["breathing_rate_from"]:
            return band["severity"]
        if spo2 is not None and spo2 < band["spo2_below"]:
            return band["severity"]
    return PatientSeverity.MILD


@dataclass(frozen=True)
class Route:
    tier: int
    bed_kind: str


def route_for(severity: str, rules: TowerRules) -> Route:
    route = rules.routes.get(severity) or {"tier": Tier.ONE, "bed_kind": BedKind.REGULAR}
    return Route(tier=int(route["tier"]), bed_kind=route["bed_kind"])
