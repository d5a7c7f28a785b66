"""Epidemic-level benchmark, on the benchmark database that run.py built (Django is set up by run.py).

levels_assess_s   one assessment under Decision 4800 of a national-size tree built here beside the demo province
                  (63 provinces, 700 districts, 10,600 communes and 100,000 residential groups, each with its
                  population and a week of pre-aggregated inputs): every unit's result with its inputs and reasons,
                  written as a proposal, vs reading the same week's input rows and writing as many bare result rows
                  with a raw executemany

Every run starts by removing the tree and the assessments an earlier run of this group left, so
`run.py --only levels` can run again.
"""

import random
import time
from datetime import date

from django.db import connection, transaction

from phongdich.levels.models import Assessment, LevelResult, LevelRules, WeeklyInput
from phongdich.levels.services import assessment_run
from phongdich.levels.weeks import last_full_week
from phongdich.places.models import AdminUnit
from tracing import insert

ROOT = "2025:"  # the national tree lives in the other structure, so the demo province's pages never see it
PROVINCES, DISTRICTS, COMMUNES, GROUPS = 63, 700, 10_600, 100_000
ON = date(2021, 10, 18)
RANGE = (ROOT, "2025;")  # every path that starts with ROOT, as an indexed range (";" follows ":")


def benchmarks(result) -> list[dict]:
    forget_earlier_runs()
    print(f"A national tree of {COMMUNES:,} communes and {GROUPS:,} residential groups…", flush=True)
    units = national_tree()
    weekly_inputs(units)
    seconds = assess_benchmark()
    baseline = raw_baseline(len(units))
    print(f"  assessment of {len(units):,} units in {seconds:.1f} s (raw read and write {baseline:.1f} s)", flush=True)
    return [result("levels_assess_s", seconds, "s", 30, baseline)]


def forget_earlier_runs() -> None:
    """Straight SQL with the foreign keys unchecked: nothing but this group's rows refers to the national tree, and
    checking each of 111,000 deleted units against every table that may refer to a unit takes minutes."""
    rules = LevelRules.objects.get(code="4800")
    assessments = list(Assessment.objects.filter(rules=rules, week=last_full_week(ON)).values_list("pk", flat=True))
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction.atomic():
            raw.executemany("DELETE FROM levels_levelresult WHERE assessment_id = ?", [(pk,) for pk in assessments])
            raw.executemany("DELETE FROM levels_assessment WHERE id = ?", [(pk,) for pk in assessments])
            raw.execute("DELETE FROM levels_weeklyinput WHERE unit_path >= ? AND unit_path < ?", RANGE)
            raw.execute(
                "DELETE FROM places_population WHERE unit_id IN "
                "(SELECT id FROM places_adminunit WHERE path >= ? AND path < ?)",
                RANGE,
            )
            raw.execute("DELETE FROM places_adminunit WHERE path >= ? AND path < ?", RANGE)
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def national_tree() -> list[tuple[int, str, int]]:
    """The tree, level by level, straight into the table (set-up, not measured): [(id, path, depth)]."""
    columns = ["structure", "code", "name", "division_type", "level", "parent_id", "path", "depth", "name_search"]
    shape = [
        ("province", PROVINCES, "Tỉnh"),
        ("district", DISTRICTS, "Huyện"),
        ("commune", COMMUNES, "Xã"),
        ("group", GROUPS, "Tổ"),
    ]
    parents: list[tuple[int | None, str]] = [(None, ROOT)]
    everything = []
    for depth, (level, count, word) in enumerate(shape):
        rows = []
        for number in range(count):
            parent_id, parent_path = parents[number * len(parents) // count]
            code = f"{level[0].upper()}{number:06d}"
            path = f"{parent_path}{code}/"
            name = f"{word} thử tải {number}"
            rows.append(("2025", code, name, "", level, parent_id, path, depth, name.lower()))
        insert("places_adminunit", columns, rows)
        parents = list(
            AdminUnit.objects.filter(path__startswith=ROOT, depth=depth).order_by("path").values_list("pk", "path")
        )
        everything += [(pk, path, depth) for pk, path in parents]
    return everything


def weekly_inputs(units: list[tuple[int, str, int]]) -> None:
    """Each unit's population; a week of cases and coverage per group, stations and beds per commune and district."""
    rng = random.Random(17)
    week = last_full_week(ON)
    population_rows, input_rows = [], []
    size = {3: 1_000, 2: 9_400, 1: 134_000, 0: 1_500_000}
    counts = WeeklyInput.COUNTS
    for pk, path, depth in units:
        total = size[depth]
        population_rows.append((pk, 2021, total, total * 7 // 10, total // 12, total // 10, total // 9, "imported"))
        values = dict.fromkeys(counts, 0)
        if depth == 3:
            adults, elders = 700, 80
            values.update(
                community_cases=rng.choice([0, 0, 0, 1, 2, 5]),
                cases=rng.randint(0, 6),
                residents=total,
                residents_one_dose=rng.randint(500, 950),
                residents_full=rng.randint(300, 900),
                adults=adults,
                adults_one_dose=rng.randint(400, adults),
                adults_full=rng.randint(300, adults),
                elders=elders,
                elders_one_dose=rng.randint(50, elders),
                elders_full=rng.randint(40, elders),
            )
        elif depth == 2:
            values.update(mobile_stations=rng.choice([0, 1, 1, 2]))
        elif depth == 1:
            beds = rng.randint(50, 400)
            values.update(beds=beds, free_beds=beds // 3, icu_beds=beds // 20)
        else:
            continue
        input_rows.append((pk, path, week.isoformat(), *(values[name] for name in counts)))
    insert(
        "places_population",
        ["unit_id", "year", "total", "age_18_plus", "age_65_plus", "age_12_17", "age_5_11", "source"],
        population_rows,
    )
    insert("levels_weeklyinput", ["unit_id", "unit_path", "week", *counts], input_rows)


def assess_benchmark() -> float:
    started = time.perf_counter()
    assessment = assessment_run(actor="phongdich bench", on=ON, rules_code="4800", root_path=ROOT)
    seconds = time.perf_counter() - started
    if assessment.results.count() != PROVINCES + DISTRICTS + COMMUNES + GROUPS:
        raise RuntimeError("the assessment missed units")
    return seconds


def raw_baseline(units: int) -> float:
    """Read the week's input rows and write as many bare result rows, in one transaction rolled back."""
    assessment = Assessment.objects.filter(week=last_full_week(ON)).order_by("-id").first()
    started = time.perf_counter()
    rows = list(
        WeeklyInput.objects.filter(week=last_full_week(ON), unit_path__startswith=ROOT).values_list(
            "unit_path", *WeeklyInput.COUNTS
        )
    )
    unit_ids = list(AdminUnit.objects.filter(path__startswith=ROOT).values_list("pk", "path", "depth"))
    connection.ensure_connection()
    raw = connection.connection
    table = LevelResult._meta.db_table
    sql = (
        f"INSERT INTO {table} (assessment_id, unit_id, unit_path, depth, outcome, inputs, coverage_class, "
        "capacity_source, steps, override_reason, status) VALUES (?, ?, ?, ?, 'assessed', '{}', '', 'none', '[]', '', "
        "'proposed')"
    )
    with transaction.atomic():
        raw.execute(f"DELETE FROM {table} WHERE assessment_id = ?", [assessment.pk])
        raw.executemany(sql, [(assessment.pk, pk, path, depth) for pk, path, depth in unit_ids])
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    if len(rows) + units == 0:
        raise RuntimeError("nothing was read")
    return seconds
