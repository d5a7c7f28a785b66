"""The level of every unit from its weekly figures and a ruleset: pure computation, no database.

The assessment service, the `phongdich levels assess` command and the benchmark all call `assess_units`, so what
the command prints is what the pages show. Each result keeps its inputs and the steps that decided it, in data
(`steps`), which `explain.py` turns into sentences."""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from .choices import Aggregation, CapacityMetric, CapacityRule, CapacitySource, CoverageClass, Outcome

PER_100K = 100_000
PER_10K = 10_000
COVERAGE_COUNTS = {  # (indicator, population) -> (vaccinated count, denominator) in the weekly figures
    ("one_dose", "all"): ("residents_one_dose", "residents"),
    ("full", "all"): ("residents_full", "residents"),
    ("one_dose", "18+"): ("adults_one_dose", "adults"),
    ("full", "18+"): ("adults_full", "adults"),
    ("one_dose", "65+"): ("elders_one_dose", "elders"),
    ("full", "65+"): ("elders_full", "elders"),
}
CAPACITY_COUNTS = ("beds", "icu_beds", "free_beds", "mobile_stations", "care_teams")


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    path: str
    depth: int
    level: str  # province, district, commune or group
    name: str
    parent_path: str | None = field(init=False, default=None)

    def __post_init__(self):
        head = self.path.rstrip("/").rsplit("/", 1)
        object.__setattr__(self, "parent_path", head[0] + "/" if len(head) == 2 else None)


@dataclass
class Result:
    unit: Unit
    outcome: str = Outcome.ASSESSED
    inputs: dict = field(default_factory=dict)
    case_band: int | None = None
    coverage_class: str = ""
    matrix_level: int | None = None
    capacity_ok: bool | None = None
    capacity_source: str = CapacitySource.NONE
    steps: list = field(default_factory=list)
    level: int | None = None
    previous: int | None = None  # the level in effect before this assessment


def subtree_sums(rows, units: list[Unit]) -> dict[str, dict[str, int]]:
    """Each unit's figures: the weekly rows of its subtree added up. `rows` yields (unit path, {count: n})."""
    wanted = {unit.path for unit in units}
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path, counts in rows:
        prefix = ""
        for part in path.rstrip("/").split("/"):
            prefix += part + "/"
            if prefix in wanted:
                target = sums[prefix]
                for name, value in counts.items():
                    target[name] += value
    return sums


def assess_units(
    *,
    rules,
    units: list[Unit],
    figures: dict[str, dict[str, int]],
    populations: dict[int, int],
    entries: dict[int, dict[str, int]],
    previous: dict[int, int],
) -> list[Result]:
    """Results for `units`, deepest first. `populations`: unit id → total population; `entries`: capacity figures
    entered for a unit (used where the tower has none); `previous`: the level in effect before."""
    by_path = {unit.path: unit for unit in units}
    capacity = {unit.path: _capacity(rules, unit, figures.get(unit.path, {}), populations, entries) for unit in units}
    children: dict[str, list[Result]] = defaultdict(list)
    results = []
    for unit in sorted(units, key=lambda unit: (-unit.depth, unit.path)):
        result = _assess(rules, unit, figures.get(unit.path, {}), populations.get(unit.id), children[unit.path])
        result.previous = previous.get(unit.id)
        if result.outcome == Outcome.ASSESSED:
            _apply_capacity(rules, result, _capacity_for(unit, capacity, by_path), previous.get(unit.id))
        if unit.parent_path:
            children[unit.parent_path].append(result)
        results.append(result)
    return results


def _assess(rules, unit: Unit, counts: dict, population: int | None, children: list[Result]) -> Result:
    result = Result(unit=unit, inputs={"population": population or 0})
    if not population:
        result.outcome = Outcome.NO_POPULATION
        result.steps.append({"step": "no_population"})
        return result
    band = _case_band(rules, result, counts, population)
    _coverage_class(rules, result, counts)
    matrix_level = rules.matrix[result.coverage_class][band - 1]
    result.matrix_level = result.level = matrix_level
    result.steps.append(
        {
            "step": "matrix",
            "band": result.case_band,
            "class": result.coverage_class,
            "level": matrix_level,
            "uses_coverage": bool(rules.coverage_conditions),
        }
    )
    if rules.aggregation == Aggregation.CHILDREN and unit.level in rules.aggregate_levels:
        _aggregate(rules, result, children)
    elif unit.level in rules.aggregate_levels:
        result.steps.append({"step": "own_data", "children": _distribution(children)})
    return result


def _case_band(rules, result: Result, counts: dict, population: int) -> int:
    community = counts.get("community_cases", 0)
    rate = community * PER_100K / population
    band = 1 + bisect_right(rules.case_bands, rate)
    result.case_band = band
    result.inputs.update(
        community_cases=community,
        cases=counts.get("cases", 0),
        community_per_100k=round(rate, 1),
        oxygen_per_100k=round(counts.get("oxygen_cases", 0) * PER_100K / population, 1),
        deaths_per_100k=round(counts.get("deaths", 0) * PER_100K / population, 2),
    )
    result.steps.append({"step": "cases", "rate": round(rate, 1), "cuts": list(rules.case_bands), "band": band})
    return band


def _coverage_class(rules, result: Result, counts: dict) -> None:
    checks = []
    for condition in rules.coverage_conditions:
        done, among = COVERAGE_COUNTS[(condition["indicator"], condition["population"])]
        share = counts.get(done, 0) * 100 / counts[among] if counts.get(among) else None
        checks.append(
            {
                **condition,
                "share": None if share is None else round(share, 1),
                "met": share is not None and share >= condition["percent"],
            }
        )
        result.inputs[f"{condition['indicator']}_{condition['population']}_percent"] = checks[-1]["share"]
    high = all(check["met"] for check in checks)
    result.coverage_class = CoverageClass.HIGH if high else CoverageClass.LOW
    result.steps.append({"step": "coverage", "checks": checks, "class": result.coverage_class})


def _aggregate(rules, result: Result, children: list[Result]) -> None:
    assessed = [child.level for child in children if child.level is not None]
    if not assessed:
        result.steps.append({"step": "aggregation_skipped"})
        return
    matched = []
    for rule in rules.aggregation_rules:
        share = sum(1 for level in assessed if level >= rule["children_at"]) * 100 / len(assessed)
        if share >= rule["share"]:
            matched.append({**rule, "actual": round(share, 1)})
    level = max((rule["level"] for rule in matched), default=1)
    first = next((rule for rule in matched if rule["level"] == level), None)
    result.level = level
    result.steps.append({"step": "aggregation", "children": _distribution(children), "rule": first, "level": level})


def _distribution(children: list[Result]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for child in children:
        counts[str(child.level) if child.level is not None else "none"] += 1
    return dict(sorted(counts.items()))


def _capacity(rules, unit: Unit, counts: dict, populations: dict, entries: dict) -> dict | None:
    """The capacity check of a unit that the rules set minimums for, with the figures it used."""
    minimums = rules.capacity_minimums.get(unit.level)
    if not minimums:
        return None
    population = populations.get(unit.id)
    source: str = CapacitySource.TOWER
    figures = {name: counts.get(name, 0) for name in CAPACITY_COUNTS}
    if not any(figures.values()):
        figures, source = (entries[unit.id], CapacitySource.ENTERED) if unit.id in entries else (figures, "")
    if not source or not population:
        return {"unit": unit.name, "source": CapacitySource.NONE, "ok": None, "metrics": []}
    metrics = []
    for metric, minimum in minimums.items():
        value = _metric(metric, figures, population)
        metrics.append({"metric": metric, "value": value, "minimum": minimum, "met": value >= minimum})
    return {"unit": unit.name, "source": source, "ok": all(m["met"] for m in metrics), "metrics": metrics}


def _metric(metric: str, figures: dict, population: int) -> float:
    if metric == CapacityMetric.MOBILE_STATIONS:
        return figures.get("mobile_stations", 0)
    if metric == CapacityMetric.CARE_TEAMS_PER_10K:
        return round(figures.get("care_teams", 0) * PER_10K / population, 2)
    count: str = {
        CapacityMetric.BEDS_PER_100K.value: "beds",
        CapacityMetric.FREE_BEDS_PER_100K.value: "free_beds",
        CapacityMetric.ICU_BEDS_PER_100K.value: "icu_beds",
    }[metric]
    return round(figures.get(count, 0) * PER_100K / population, 1)


def _capacity_for(unit: Unit, capacity: dict, by_path: dict) -> dict | None:
    """A residential group is judged by its commune's capacity."""
    if unit.level == "group" and unit.parent_path in by_path:
        return capacity.get(unit.parent_path)
    return capacity.get(unit.path)


def _apply_capacity(rules, result: Result, check: dict | None, previous: int | None) -> None:
    if check is None:
        return
    result.capacity_ok, result.capacity_source = check["ok"], check["source"]
    for metric in check["metrics"]:
        result.inputs[metric["metric"]] = metric["value"]
    before = result.level or 1  # only assessed units get here, and they have a level
    if check["ok"] is False and rules.capacity_rule == CapacityRule.RAISE:
        result.level = min(4, before + 1)
    elif check["ok"] is False and rules.capacity_rule == CapacityRule.NO_LOWER and previous and previous > before:
        result.level = previous
    result.steps.append(
        {
            **check,
            "step": "capacity",
            "rule": rules.capacity_rule,
            "previous": previous,
            "before": before,
            "level": result.level,
        }
    )
