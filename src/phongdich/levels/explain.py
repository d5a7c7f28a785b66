"""The steps of an assessment in words: "why is my ward orange?". The same sentences serve the pages, the
command's text output and the public explanation."""

from django.utils.translation import gettext as _

from phongdich.core.templatetags.humanize_vi import num, num1

from .choices import CapacityMetric, CapacityRule, CapacitySource, CoverageClass, CoveragePopulation, Indicator


def sentences(steps: list[dict], result=None) -> list[str]:
    """The steps in words; with the unit's result, also a level the command centre changed and why."""
    lines = [text for step in steps if (text := _sentence(step))]
    if result is not None and result.override_reason:
        lines.append(
            _("The command centre changed the level from %(proposed)s to %(level)s: %(reason)s")
            % {"proposed": result.proposed_level, "level": result.level, "reason": result.override_reason}
        )
    return lines


def _sentence(step: dict) -> str:
    kind = step["step"]
    if kind == "no_population":
        return _("No population is recorded for this unit, so no rate per 100,000 and no level can be computed.")
    if kind == "cases":
        return _cases(step)
    if kind == "coverage":
        return _coverage(step)
    if kind == "matrix" and step.get("uses_coverage") is False:
        return _("Case band %(band)d gives level %(level)d.") % {"band": step["band"], "level": step["level"]}
    if kind == "matrix":
        return _("Case band %(band)d with %(coverage)s gives level %(level)d in the matrix.") % {
            "band": step["band"],
            "coverage": CoverageClass(step["class"]).label.lower(),
            "level": step["level"],
        }
    if kind == "aggregation":
        return _aggregation(step)
    if kind == "aggregation_skipped":
        return _("None of its units could be assessed, so its level comes from its own figures.")
    if kind == "own_data":
        return _("Assessed on its own figures; its units' levels: %(levels)s.") % {"levels": _levels(step["children"])}
    if kind == "capacity":
        return _capacity(step)
    return ""


def _cases(step: dict) -> str:
    cuts = step["cuts"]
    if step["band"] == 1:
        where = _("below %(cut)s") % {"cut": num(cuts[0])}
    elif step["band"] == len(cuts) + 1:
        where = _("%(cut)s or more") % {"cut": num(cuts[-1])}
    else:
        where = _("from %(low)s to under %(high)s") % {
            "low": num(cuts[step["band"] - 2]),
            "high": num(cuts[step["band"] - 1]),
        }
    return _("%(rate)s community cases per 100,000 people in the week: %(where)s, case band %(band)d.") % {
        "rate": num1(step["rate"]),
        "where": where,
        "band": step["band"],
    }


def _coverage(step: dict) -> str:
    if not step["checks"]:
        return _("These rules do not use vaccine coverage.")
    parts = []
    for check in step["checks"]:
        share = _("unknown") if check["share"] is None else f"{num1(check['share'])}%"
        parts.append(
            _("%(share)s of people %(population)s %(indicator)s (needs %(needed)s%%)")
            % {
                "share": share,
                "population": CoveragePopulation(check["population"]).label,
                "indicator": Indicator(check["indicator"]).label,
                "needed": num(check["percent"]),
            }
        )
    return _("Vaccine coverage: %(checks)s: %(coverage)s.") % {
        "checks": "; ".join(parts),
        "coverage": CoverageClass(step["class"]).label.lower(),
    }


def _aggregation(step: dict) -> str:
    levels = _levels(step["children"])
    rule = step["rule"]
    if rule is None:
        return _("Its units' levels: %(levels)s. No aggregation rule applies, so level 1.") % {"levels": levels}
    return _(
        "Its units' levels: %(levels)s. %(actual)s%% of them are at level %(at)d or above (the rule needs "
        "%(share)s%%), so level %(level)d."
    ) % {
        "levels": levels,
        "actual": num1(rule["actual"]),
        "at": rule["children_at"],
        "share": num(rule["share"]),
        "level": step["level"],
    }


def _levels(distribution: dict) -> str:
    parts = []
    for level, count in distribution.items():
        name = _("no level") if level == "none" else _("level %(level)s") % {"level": level}
        parts.append(f"{num(count)} × {name}")
    return ", ".join(parts) or _("none")


def _capacity(step: dict) -> str:
    if step["source"] == CapacitySource.NONE:
        return _("No treatment capacity figures for %(unit)s: capacity does not change the level.") % {
            "unit": step["unit"]
        }
    source = CapacitySource(step["source"]).label
    parts = [
        _("%(value)s %(metric)s (needs %(minimum)s)")
        % {
            "value": num1(metric["value"]),
            "metric": CapacityMetric(metric["metric"]).label,
            "minimum": num1(metric["minimum"]),
        }
        for metric in step["metrics"]
    ]
    verdict = _("sufficient") if step["ok"] else _("not sufficient")
    text = _("Treatment capacity of %(unit)s (%(source)s): %(metrics)s: %(verdict)s.") % {
        "unit": step["unit"],
        "source": source,
        "metrics": "; ".join(parts),
        "verdict": verdict,
    }
    if step["ok"] is False and step["level"] != step["before"]:
        if step["rule"] == CapacityRule.RAISE:
            text += " " + _("Raised one level, to %(level)d.") % {"level": step["level"]}
        else:
            text += " " + _("It may not be lowered: it stays at level %(level)d.") % {"level": step["level"]}
    return text


def _figure(value) -> str:
    """A count as a whole number (1 trạm), a rate with one decimal (0,8 tổ trên 10.000 dân)."""
    return num(value) if float(value).is_integer() else num1(value)
