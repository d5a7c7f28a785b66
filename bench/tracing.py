"""Contact-tracing benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

exposure_match_ms      one F0's 14-day exposure match against 10,000,000 check-ins (median of 30 F0s)
                       vs a raw indexed read of one venue's check-ins over one hour
flevel_full_s          full F-level recompute of 1,000,000 persons, 3,000,000 contacts, 1,000 active F0
                       vs a raw read of every contact row
flevel_incremental_ms  registering a new F0 who has 100 contacts (levels, history and tasks included;
                       median of 5) vs a raw read of those contacts' own contacts
"""

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from phongdich.accounts.models import User
from phongdich.people.models import Person
from phongdich.places.models import Venue
from phongdich.surveillance import flevels
from phongdich.surveillance.models import Case, CheckIn, Contact
from phongdich.surveillance.selectors import exposure_matches, rules_in_force
from phongdich.surveillance.services import levels_update

CHECKINS = int(os.environ.get("PHONGDICH_BENCH_CHECKINS", "10000000"))
CONTACTS = int(os.environ.get("PHONGDICH_BENCH_CONTACTS", "3000000"))
ACTIVE_F0 = 1000
EXTRA_VENUES = 5000  # the demo has a few hundred QR venues; a real province has tens of thousands
DAYS = 14
NOW = datetime.now(UTC).replace(microsecond=0)


def ts(moment: datetime) -> str:
    """SQLite's stored form of an aware UTC datetime, built without Django's per-value adaptation."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# Minute m before NOW, as stored: generating 13 million timestamps with strftime would take minutes.
SPAN = DAYS * 24 * 60
MINUTES = [ts(NOW - timedelta(minutes=m)) for m in range(SPAN + 1)]


def insert(table: str, columns: list[str], rows) -> None:
    """Straight into SQLite (the benchmark database), without Django's cursor wrapper: set-up, not measured."""
    connection.ensure_connection()
    raw = connection.connection
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"
    raw.execute("PRAGMA foreign_keys = OFF")  # every id here comes from the tables themselves
    try:
        with transaction.atomic():
            raw.executemany(sql, rows)
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


class IndexesDropped:
    """Bulk-load a table without its secondary indexes, then build them once (much faster than row by row)."""

    def __init__(self, *models):
        self.models = models

    def __enter__(self):
        with connection.schema_editor() as editor:
            for model in self.models:
                for index in model._meta.indexes:
                    editor.remove_index(model, index)

    def __exit__(self, *exc):
        with connection.schema_editor() as editor:
            for model in self.models:
                for index in model._meta.indexes:
                    editor.add_index(model, index)


def add_venues(rng: random.Random) -> list[tuple[int, int]]:
    units = list(Venue.objects.values_list("unit_id", flat=True).distinct()) or [Person.objects.first().unit_id]
    Venue.objects.bulk_create(
        [Venue(name=f"Điểm quét {i}", kind="other", unit_id=rng.choice(units)) for i in range(EXTRA_VENUES)],
        batch_size=2000,
    )
    return list(Venue.objects.values_list("pk", "unit_id"))


def add_checkins(rng: random.Random, people: list[int], venues: list[tuple[int, int]]) -> None:
    """CHECKINS presences over the last DAYS days; 30% with a check-out 15 minutes to 3 hours later."""
    columns = [
        "client_id", "venue_id", "unit_id", "person_id", "checked_in_at", "checked_out_at", "source", "received_at",
    ]  # fmt: skip
    received = MINUTES[0]
    step = 500_000
    for start in range(0, CHECKINS, step):
        rows = []
        for i in range(start, min(start + step, CHECKINS)):
            venue, unit = venues[rng.randrange(len(venues))]
            arrived = rng.randrange(180, SPAN)
            out = MINUTES[arrived - rng.randint(15, 180)] if rng.random() < 0.3 else None
            person = people[rng.randrange(len(people))]
            rows.append((f"b{i:09d}", venue, unit, person, MINUTES[arrived], out, "app", received))
        insert(CheckIn._meta.db_table, columns, rows)


def add_contacts(rng: random.Random, people: list[int], units: dict[int, int]) -> None:
    """CONTACTS contacts, mostly between neighbours in the register (ids are laid out by household and unit)."""
    columns = [
        "key", "person_id", "other_id", "unit_id", "kind", "source", "status", "first_at", "last_at",
        "dismissed_reason", "created_at",
    ]  # fmt: skip
    step = 500_000
    kinds = ["household", "workplace", "venue", "other"]
    for start in range(0, CONTACTS, step):
        rows = []
        for i in range(start, min(start + step, CONTACTS)):
            a = rng.randrange(len(people))
            b = (
                min(len(people) - 1, max(0, a + rng.randint(-300, 300)))
                if rng.random() < 0.9
                else rng.randrange(len(people))
            )
            if a == b:
                b = (a + 1) % len(people)
            first = rng.randrange(240, SPAN)
            person = people[a]
            rows.append(
                (
                    f"bench:{i}", person, people[b], units[person], rng.choice(kinds), "interview", "confirmed",
                    MINUTES[first], MINUTES[first - rng.randint(10, 240)], "", MINUTES[0],
                )
            )  # fmt: skip
        insert(Contact._meta.db_table, columns, rows)


def add_cases(rng: random.Random, people: list[int], units: dict[int, int], count: int) -> list[int]:
    columns = [
        "person_id", "episode", "national_code", "unit_id", "confirmed_at", "confirmation_test", "detection_setting",
        "severity", "status", "infectious_from", "notes", "created_at",
    ]  # fmt: skip
    chosen = rng.sample(people, count)
    rows = []
    for person in chosen:
        confirmed = NOW - timedelta(hours=rng.randint(1, 24 * 10))
        infectious = confirmed - timedelta(days=4)
        rows.append(
            (person, 1, "", units[person], ts(confirmed), "rt_pcr", "community", "mild", "active", ts(infectious),
             "", ts(NOW))
        )  # fmt: skip
    insert(Case._meta.db_table, columns, rows)
    return chosen


def exposure_benchmark(rng: random.Random, people: list[int], venues: list[tuple[int, int]]) -> tuple[float, float]:
    rules = rules_in_force()
    samples = []
    for person in rng.sample(people, 30):
        case = Case(person_id=person, infectious_from=NOW - timedelta(days=DAYS), confirmed_at=NOW)
        started = time.perf_counter()
        exposure_matches(case, rules)
        samples.append((time.perf_counter() - started) * 1000)
    raw = []
    with connection.cursor() as cursor:
        for _ in range(30):
            venue = rng.choice(venues)[0]
            hour = NOW - timedelta(hours=rng.randint(1, DAYS * 24))
            started = time.perf_counter()
            cursor.execute(
                f"SELECT id, person_id, checked_in_at, checked_out_at FROM {CheckIn._meta.db_table} "
                "WHERE venue_id = %s AND checked_in_at BETWEEN %s AND %s",
                [venue, ts(hour), ts(hour + timedelta(hours=1))],
            )
            cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.median(raw)


def full_benchmark() -> tuple[float, float, int]:
    rules = rules_in_force()
    started = time.perf_counter()
    with transaction.atomic():
        result = flevels.relevel(None, rules=rules, actor="bench", reason="full_recompute")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"SELECT person_id, other_id, first_at, last_at FROM {Contact._meta.db_table}")
        cursor.fetchall()
        raw = time.perf_counter() - started
    return seconds, raw, len(result.changes)


def incremental_benchmark(rng: random.Random, people: list[int], units: dict[int, int]) -> tuple[float, float]:
    """A person becomes F0 with 100 recorded contacts; timed: the re-levelling around them (levels, history,
    tasks), as case_confirm runs it. The exposure matching that follows a case is measured on its own above."""
    commander = User.objects.get(username="tinh.chihuy")
    samples, raw = [], []
    for run in range(5):
        f0 = rng.choice(people)
        met = [other for other in rng.sample(people, 100) if other != f0]
        rows = [
            (f"bench-new:{run}:{other}", other, f0, units[other], "venue", "interview", "confirmed",
             ts(NOW - timedelta(days=1)), ts(NOW - timedelta(days=1) + timedelta(minutes=30)), "", ts(NOW))
            for other in met
        ]  # fmt: skip
        insert(
            Contact._meta.db_table,
            ["key", "person_id", "other_id", "unit_id", "kind", "source", "status", "first_at", "last_at",
             "dismissed_reason", "created_at"],
            rows,
        )  # fmt: skip
        add_case(f0, units[f0])
        started = time.perf_counter()
        levels_update(actor=commander, around={f0}, reason="case_confirmed", params={})
        samples.append((time.perf_counter() - started) * 1000)
        ids = ", ".join(str(m) for m in met)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"SELECT other_id FROM {Contact._meta.db_table} WHERE person_id IN ({ids}) "
                f"UNION SELECT person_id FROM {Contact._meta.db_table} WHERE other_id IN ({ids})"
            )
            cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.median(raw)


def add_case(person: int, unit: int) -> None:
    confirmed = NOW - timedelta(hours=1)
    Case.objects.create(
        person_id=person,
        unit_id=unit,
        confirmed_at=confirmed,
        confirmation_test="rt_pcr",
        detection_setting="community",
        infectious_from=confirmed - timedelta(days=3),
    )


def benchmarks(result) -> list[dict]:
    rng = random.Random(44)
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    units = dict(Person.objects.values_list("pk", "unit_id"))
    print(f"Adding {CHECKINS:,} check-ins, {CONTACTS:,} contacts and {ACTIVE_F0:,} active cases…", flush=True)
    started = time.perf_counter()
    venues = add_venues(rng)
    with IndexesDropped(CheckIn, Contact):
        add_checkins(rng, people, venues)
        add_contacts(rng, people, units)
    add_cases(rng, people, units, ACTIVE_F0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    exposure, exposure_raw = exposure_benchmark(rng, people, venues)
    full, full_raw, changed = full_benchmark()
    print(f"  full recompute: {changed:,} levels set in {full:.1f} s", flush=True)
    incremental, incremental_raw = incremental_benchmark(rng, people, units)
    return [
        result("exposure_match_ms", exposure, "ms", 100, exposure_raw),
        result("flevel_full_s", full, "s", 60, full_raw),
        result("flevel_incremental_ms", incremental, "ms", 1000, incremental_raw),
    ]
