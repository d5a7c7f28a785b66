"""What makes a set of level criteria usable: bands that do not overlap, a matrix without gaps, known indicators.
Each problem is named precisely, so a province adjusting the criteria knows what to fix."""

from django.utils.translation import gettext as _

from phongdich.places.choices import UnitLevel

from .choices import Aggregation, CapacityMetric, CapacityRule, CoverageClass, CoveragePopulation, Indicator, Level

BANDS = 4


def rules_errors(values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    checks = {
        "case_bands": _bands_error,
        "matrix": _matrix_error,
        "coverage_conditions": _coverage_error,
        "capacity_minimums": _capacity_error,
        "aggregation_rules": _aggregation_error,
    }
    for name, check in checks.items():
        if (message := check(values.get(name))) is not None:
            errors[name] = message
    if not str(values.get("code", "")).strip():
        errors["code"] = _("Give the rules a short code, such as 4800.")
    if values.get("capacity_rule") not in CapacityRule.values:
        errors["capacity_rule"] = _("Choose what happens to a unit short of treatment capacity.")
    if values.get("aggregation") not in Aggregation.values:
        errors["aggregation"] = _("Choose how higher units get their level.")
    if not set(values.get("aggregate_levels") or []) <= {UnitLevel.DISTRICT, UnitLevel.PROVINCE, UnitLevel.COMMUNE}:
        errors["aggregate_levels"] = _("Only a commune, district or province can be assessed from its units.")
    return errors


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _bands_error(cuts) -> str | None:
    if not isinstance(cuts, list) or len(cuts) != BANDS - 1 or not all(_number(cut) for cut in cuts):
        return _("Give three cut-offs of community cases per 100,000 per week, 0 or more.")
    for index in range(1, len(cuts)):
        if cuts[index] <= cuts[index - 1]:
            return _(
                "The case bands overlap: band %(band)d starts at %(cut)s, not above band %(before)d's start at "
                "%(previous)s. Each cut-off must be higher than the one before."
            ) % {"band": index + 2, "cut": cuts[index], "before": index + 1, "previous": cuts[index - 1]}
    return None


def _matrix_error(matrix) -> str | None:
    if not isinstance(matrix, dict):
        return _("The matrix is missing.")
    for coverage in CoverageClass:
        row = matrix.get(coverage.value)
        for band in range(1, BANDS + 1):
            level = row[band - 1] if isinstance(row, list) and len(row) >= band else None
            if level not in Level.values:
                return _("The matrix has a gap: no level for case band %(band)d with %(coverage)s.") % {
                    "band": band,
                    "coverage": coverage.label.lower(),
                }
        if isinstance(row, list) and len(row) != BANDS:
            return _("The matrix has %(n)d levels for %(coverage)s; it needs exactly 4.") % {
                "n": len(row),
                "coverage": coverage.label.lower(),
            }
    return None


def _coverage_error(conditions) -> str | None:
    if not isinstance(conditions, list):
        return _("The coverage conditions must be a list.")
    for number, condition in enumerate(conditions, start=1):
        if (
            not isinstance(condition, dict)
            or condition.get("indicator") not in Indicator.values
            or condition.get("population") not in CoveragePopulation.values
            or not _number(condition.get("percent"))
            or condition["percent"] > 100
        ):
            return _("Coverage condition %(n)d: choose an indicator, a population and a share from 0 to 100%%.") % {
                "n": number
            }
    return None


def _capacity_error(minimums) -> str | None:
    if not isinstance(minimums, dict):
        return _("The capacity minimums must be given per unit level.")
    for level, metrics in minimums.items():
        if level not in UnitLevel.values or not isinstance(metrics, dict):
            return _("Capacity minimums: %(level)s is not a unit level.") % {"level": level}
        for metric, minimum in metrics.items():
            if metric not in CapacityMetric.values or not _number(minimum):
                return _(
                    "Capacity minimums for %(level)s: %(metric)s needs a known measure and a number, 0 or more."
                ) % {"level": UnitLevel(level).label, "metric": metric}
    return None


def _aggregation_error(rules) -> str | None:
    if not isinstance(rules, list):
        return _("The aggregation rules must be a list.")
    for number, rule in enumerate(rules, start=1):
        if (
            not isinstance(rule, dict)
            or rule.get("level") not in Level.values
            or rule.get("children_at") not in Level.values
            or not _number(rule.get("share"))
            or not 0 < rule["share"] <= 100
        ):
            return _("Aggregation rule %(n)d: give a level, the level its units reach and a share from 1 to 100%%.") % {
                "n": number
            }
    return None
