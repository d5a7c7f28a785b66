"""Treatment tower benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

bed_board_p95_ms   the province's bed board page (/care/tower/: totals, tiers, districts, every facility and the
                   7-day trend) over 500 facilities and 60,000 beds, 42,000 patients in them and 60,000 who left
                   over four weeks, as the province commander (p95 of 30), vs the tower's transfer list page
                   (same layout, nothing to compute)
bed_suggest_ms     one transfer suggestion (the nearest tier-2 facilities with a free oxygen bed, median of 50) vs
                   a raw SELECT of the wards with a free oxygen bed
admission_race     50 concurrent POST /api/v1/care/tower/admissions for the last 10 ICU beds of a facility on
                   `phongdich serve` (gunicorn): how many were admitted (exactly 10 is right; 40 must be told
                   "no_free_bed"), on the benchmark's SQLite database and on a throwaway PostgreSQL cluster;
                   admission_race_refused_* counts the 409s

Every run starts by removing the tower rows an earlier run of this group left, so `run.py --only tower` can run
again.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.test import Client

import harness
import pg
from phongdich.accounts.models import User
from phongdich.care.tower.models import (
    Admission,
    TowerRules,
    TransferOffer,
    TransferRequest,
    TreatmentFacility,
    Ward,
    WardCapacity,
)
from phongdich.care.tower.selectors import suggestions
from phongdich.care.tower.services.facilities import wards_recount
from phongdich.core import clock
from phongdich.people.models import Person
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility
from tracing import insert

FACILITIES = 500
BEDS = {"regular": 80, "oxygen": 30, "icu": 10}  # 120 a facility: 60,000 in all
IN_BEDS = 42_000
LEFT = 60_000
RACERS = 50
LAST_BEDS = 10
HERE = Path(__file__).resolve().parent
BENCH_NAME = "Cơ sở điều trị thử tải"


def benchmarks(result) -> list[dict]:
    forget_earlier_runs()
    print(f"A tower of {FACILITIES} facilities, {FACILITIES * sum(BEDS.values()):,} beds…", flush=True)
    tower_load()
    board, board_raw = board_benchmark()
    print(f"  board p95 {board:.1f} ms (transfer list {board_raw:.1f} ms)", flush=True)
    suggest, suggest_raw = suggest_benchmark()
    print(f"  suggestion {suggest:.1f} ms (raw {suggest_raw:.2f} ms)", flush=True)
    sqlite_admitted, sqlite_refused = race(os.environ["PHONGDICH_DATABASE_URL"])
    print(f"  race on SQLite: {sqlite_admitted} admitted, {sqlite_refused} refused", flush=True)
    with pg.throwaway_cluster() as url:
        pg_admitted, pg_refused = race(url, migrate=True)
    print(f"  race on PostgreSQL: {pg_admitted} admitted, {pg_refused} refused", flush=True)
    return [
        result("bed_board_p95_ms", board, "ms", 150, board_raw),
        result("bed_suggest_ms", suggest, "ms", 50, suggest_raw),
        result("admission_race_sqlite", sqlite_admitted, "admitted of 50", LAST_BEDS, LAST_BEDS),
        result(
            "admission_race_refused_sqlite", sqlite_refused, "told no free bed", RACERS - LAST_BEDS, RACERS - LAST_BEDS
        ),
        result("admission_race_postgresql", pg_admitted, "admitted of 50", LAST_BEDS, LAST_BEDS),
        result(
            "admission_race_refused_postgresql", pg_refused, "told no free bed", RACERS - LAST_BEDS, RACERS - LAST_BEDS
        ),
    ]


def forget_earlier_runs() -> None:
    with connection.cursor() as cursor:
        for model in (TransferOffer, TransferRequest, Admission, WardCapacity, Ward, TreatmentFacility):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    Facility.objects.filter(name__startswith=BENCH_NAME).delete()


def tower_load() -> None:
    """500 facilities over the province's communes (2 at tier 3, 150 at tier 2, the rest at tier 1), their
    wards and capacity a month old, and the patients: straight into the tables (set-up, not measured)."""
    rng = random.Random(16)
    communes = list(AdminUnit.objects.filter(level=UnitLevel.COMMUNE).values_list("pk", flat=True))
    Facility.objects.bulk_create(
        [
            Facility(name=f"{BENCH_NAME} {index:03d}", kind="f0_treatment_site", unit_id=rng.choice(communes))
            for index in range(FACILITIES)
        ]
    )
    facilities = list(Facility.objects.filter(name__startswith=BENCH_NAME).values_list("pk", flat=True))
    TreatmentFacility.objects.bulk_create(
        [
            TreatmentFacility(
                facility_id=pk,
                tier=3 if index < 2 else 2 if index < 152 else 1,
                latitude=f"{10.9 + rng.random() * 0.4:.6f}",
                longitude=f"{106.4 + rng.random() * 0.5:.6f}",
            )
            for index, pk in enumerate(facilities)
        ]
    )
    Ward.objects.bulk_create(
        [Ward(facility_id=pk, bed_kind=kind, beds=beds) for pk in facilities for kind, beds in BEDS.items()]
    )
    month_ago = clock.now() - timedelta(days=30)
    WardCapacity.objects.bulk_create(
        [
            WardCapacity(ward=ward, beds=ward.beds, valid_from=month_ago)
            for ward in Ward.objects.filter(facility_id__in=facilities)
        ]
    )
    _patients(rng, facilities)
    wards_recount()


def _patients(rng: random.Random, facilities: list[int]) -> None:
    rules = TowerRules.objects.order_by("effective_from").first().pk
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[: IN_BEDS + LEFT])
    now = clock.now()
    places = [(pk, kind) for pk in facilities for kind, beds in BEDS.items() for _ in range(beds)]
    rng.shuffle(places)
    rows = []
    for index, person in enumerate(people):
        facility, kind = places[index % len(places)]
        admitted = now - timedelta(hours=rng.randint(2, 28 * 24))
        ended = None if index < IN_BEDS else min(now, admitted + timedelta(days=rng.randint(5, 20)))
        status = "admitted" if ended is None else "discharged"
        rows.append(
            (
                person,
                facility,
                kind,
                "mild",
                "{}",
                rules,
                status,
                admitted.isoformat(),
                ended.isoformat() if ended else None,
                "",
                "",
                "",
            )
        )
    insert(
        Admission._meta.db_table,
        [
            "person_id",
            "facility_id",
            "bed_kind",
            "severity",
            "vitals",
            "rules_id",
            "status",
            "admitted_at",
            "ended_at",
            "note",
            "discharge_override",
            "death_cause",
        ],
        rows,
    )


def board_benchmark() -> tuple[float, float]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="tinh.chihuy"))
    board = harness.page_p95_ms(lambda: client.get("/care/tower/"), 30)
    listing = harness.page_p95_ms(lambda: client.get("/care/tower/transfers/"), 30)
    return board, listing


def suggest_benchmark() -> tuple[float, float]:
    origin = (10.98, 106.65)
    times, raw = [], []
    for _ in range(50):
        started = time.perf_counter()
        found = suggestions(tier=2, bed_kind="oxygen", origin=origin, limit=5)
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM care_ward WHERE bed_kind = 'oxygen' AND beds - occupied - held > 0")
            cursor.fetchall()
        raw.append((time.perf_counter() - started) * 1000)
    assert found, "no suggestion"
    return statistics.median(times), statistics.median(raw)


def race(url: str, migrate: bool = False) -> tuple[int, int]:
    """The last 10 ICU beds raced for by 50 requests at once on the production server over `url`."""
    env = {**os.environ, "PHONGDICH_DATABASE_URL": url}
    if migrate:
        subprocess.run([sys.executable, "-m", "phongdich.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    ready = subprocess.run(
        [sys.executable, str(HERE / "race_setup.py"), str(RACERS), str(LAST_BEDS)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    setup = json.loads(ready.stdout.strip().splitlines()[-1])
    port = harness.free_port()
    with harness.serving(port, env=env):
        answers = _all_at_once(port, setup)
    return answers.count(201), answers.count(409)


def _all_at_once(port: int, setup: dict) -> list[int]:
    import http.client

    answers: list[int] = []
    start = threading.Barrier(len(setup["people"]))

    def admit(person: int) -> None:
        body = json.dumps({"person_id": person, "facility_id": setup["facility"], "bed_kind": "icu"})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        start.wait()
        conn.request(
            "POST",
            "/api/v1/care/tower/admissions",
            body,
            {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"},
        )
        answer = conn.getresponse()
        answer.read()
        answers.append(answer.status)

    threads = [threading.Thread(target=admit, args=(person,)) for person in setup["people"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
