"""Benchmarks for the foundation. Writes bench/results.json (not kept in git); run with `make bench`.

Each figure has a baseline measured in the same run on the same data, so the ratio (value / baseline)
means something on a noisy machine:
  person_search_p95_ms     name search over 1,000,000 persons vs an indexed exact CCCD lookup
  demo_build_s_per_100k    demo build time per 100,000 residents vs a raw executemany of the same rows
  api_person_list_p95_ms   GET /api/v1/persons under 20 concurrent clients on gunicorn vs GET /healthz
  api_person_list_p95_ratio  the same two p95s as one ratio: the clients and the server share the machine's cores,
                           so under this load a request's time is mostly its CPU; a no-op request scores 1
  checkin_ingest_per_s     check-ins stored through POST /api/v1/checkins/batch (1,000 per request, two senders)
                           vs a raw executemany of the same rows into an indexed copy of the table
Then the contact-tracing figures (bench/tracing.py): exposure_match_ms, flevel_full_s, flevel_incremental_ms,
the lab figures (bench/labs.py): lab_import_rows_per_s, pool_result_apply_ms, round_dashboard_p95_ms,
the check-ins beside a result file's import (bench/stall.py): import_stall_p99_ratio and its p99s,
the vaccination figures (bench/vaccination.py): dcc_issue_per_s, dcc_verify_per_s, coverage_refresh_s,
coverage_page_p95_ms, the isolation-rules figure (bench/care_rules.py): isolation_rules_apply_s, and the care
figures (bench/care.py): selfreport_ingest_per_s, missed_report_sweep_ms, the treatment tower's
(bench/tower.py): bed_board_p95_ms, bed_suggest_ms, admission_race_* on SQLite and on PostgreSQL, the epidemic
levels' (bench/levels.py): levels_assess_s, and the level map's (bench/levels_pages.py): levels_map_p95_ms,
levels_public_p95_ms and its ratio to /healthz, and the command centre's (bench/command.py): daily_figures_refresh_s,
dashboard_p95_ms.

Every figure carries the commit and the time it was measured at. A group of figures that fails is written with
its error and no value, and the run exits non-zero (bench/harness.py).

`bench/run.py --only vaccination` reruns one group on the database of the last full run (migrated first) and
replaces that group's figures in results.json.
"""

import http.client
import json
import multiprocessing
import os
import random
import shutil
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
DB_PATH = DATA / "bench.sqlite3"
PERSONS = int(os.environ.get("PHONGDICH_BENCH_PERSONS", "1000000"))
CENSUS = 2_426_561
CHECKIN_BATCHES = int(os.environ.get("PHONGDICH_BENCH_CHECKIN_BATCHES", "100"))  # of 1,000 check-ins each

os.environ["PHONGDICH_DATABASE_URL"] = f"sqlite:///{DB_PATH}"
os.environ.setdefault("PHONGDICH_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phongdich.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

import harness  # noqa: E402
from phongdich.accounts.models import User  # noqa: E402
from phongdich.accounts.services import api_token_create  # noqa: E402
from phongdich.demo.builder import PERSON_COLUMNS, build_demo  # noqa: E402
from phongdich.people.models import Person  # noqa: E402
from phongdich.people.selectors import person_search  # noqa: E402
from phongdich.places.models import Venue  # noqa: E402

QUERIES = [
    "Nguyễn Thị Hằng",
    "nguyen thi hang",
    "Trần Văn",
    "tran van hung",
    "Lê Minh",
    "le",
    "Hằng",
    "hang",
    "pham ngoc lan",
    "Huỳnh Tấn Phát",
    "vo",
    "Đặng Thị Thu",
    "dang thi thu",
    "bui",
    "Ngô Quốc Bảo",
    "mai",
    "nguyen van",
    "Phan Thanh",
    "duong",
    "Hồ Thị",
]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed_ms(func) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


RESULTS = HERE / "results.json"
result = harness.figure


def set_up() -> None:
    """What serving pages needs: the database's tables and the static files' manifest."""
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def build_database() -> tuple[float, int]:
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    set_up()
    built = build_demo(scale=PERSONS / CENSUS, seed=2021, log=lambda *_: None, outbreak=False)
    return built.seconds, built.persons


def raw_insert_baseline(rows: int = 100_000) -> float:
    """Seconds to executemany `rows` person rows, in one transaction, into an indexed copy of the person table."""
    columns = [Person._meta.get_field(name).column for name in PERSON_COLUMNS]
    sample = list(Person.objects.values_list(*columns)[:1000])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_person")
        cursor.execute("CREATE TABLE bench_person AS SELECT * FROM people_person WHERE 0")
        for column in ("name_search", "id_number", "phone", "unit_id", "household_id", "workplace_id"):
            cursor.execute(f"CREATE INDEX bench_person_{column} ON bench_person ({column})")
        values = [(i, *sample[i % len(sample)]) for i in range(rows)]
        sql = f"INSERT INTO bench_person (id, {', '.join(columns)}) VALUES ({', '.join(['%s'] * (len(columns) + 1))})"
        started = time.perf_counter()
        with transaction.atomic():
            cursor.executemany(sql, values)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_person")
    return seconds


def search_benchmark() -> dict:
    commander = User.objects.get(username="tinh.chihuy")
    officer = User.objects.get(username="xa.laithieu")
    searches = []
    for user in (commander, officer):
        for text in QUERIES:

            def run(user=user, text=text):
                queryset = person_search(Person.objects.visible_to(user).active(), text, user=user)
                list(queryset.select_related("unit")[:25])  # in the order person_search gives, as the API does

            run()
            searches += [timed_ms(run) for _ in range(5)]
    numbers = list(Person.objects.exclude(id_number="").values_list("id_number", flat=True)[:20_000])[::100]
    exact = []
    for number in numbers[:200]:
        exact.append(timed_ms(lambda number=number: list(Person.objects.filter(id_number=number)[:25])))
    return result("person_search_p95_ms", percentile(searches, 0.95), "ms", 10, percentile(exact, 0.95))


def health_path(rng: random.Random) -> str:
    return "/healthz"


def person_search_path(rng: random.Random) -> str:
    return f"/api/v1/persons?limit=25&q={urllib.parse.quote(rng.choice(QUERIES))}"


def client_run(port: int, paths, token: str, seed: int, count: int) -> list[float]:
    """One client: a keep-alive connection sending `count` requests back to back; the latencies in ms."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", paths(rng), headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
    connection.close()
    return latencies


def load(port: int, paths, token: str, clients: int = 20, per_client: int = 60) -> list[float]:
    """`clients` concurrent clients, each in its own process so that no client waits for another's GIL
    (20 client threads in one interpreter added tens of milliseconds to every measured request)."""
    context = multiprocessing.get_context("fork")
    with context.Pool(clients) as pool:
        runs = pool.starmap(client_run, [(port, paths, token, seed, per_client) for seed in range(clients)])
    return [latency for run in runs for latency in run]


def checkin_batches(count: int, size: int = 1000) -> list[bytes]:
    """JSON bodies of `count` batches of check-ins by registered residents at demo venues, made up front."""
    rng = random.Random(7)
    venues = [venue.qr_token for venue in Venue.objects.filter(active=True)]
    numbers = list(Person.objects.exclude(id_number="").values_list("id_number", flat=True)[:50_000])
    now = datetime.now(UTC)
    bodies = []
    for b in range(count):
        items = [
            {
                "client_id": f"bench-{b}-{i}",
                "venue_token": rng.choice(venues),
                "id_number": rng.choice(numbers),
                "checked_in_at": (now - timedelta(minutes=rng.randint(10, 14 * 24 * 60))).isoformat(),
            }
            for i in range(size)
        ]
        bodies.append(json.dumps({"source": "scanner", "items": items}).encode())
    return bodies


def post_batches(port: int, token: str, bodies: list[bytes]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    accepted = 0
    for body in bodies:
        connection.request(
            "POST",
            "/api/v1/checkins/batch",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        accepted += json.loads(response.read())["accepted"]
    connection.close()
    return accepted


def checkin_raw_baseline(bodies: list[bytes]) -> float:
    """Rows per second for executemany of the same check-ins into an indexed copy of the check-in table."""
    people = dict(Person.objects.exclude(id_number="").values_list("id_number", "id")[:50_000])
    venues = {v.qr_token: (v.pk, v.unit_id) for v in Venue.objects.filter(active=True)}
    rows = []
    for body in bodies:
        for item in json.loads(body)["items"]:
            venue_id, unit_id = venues[item["venue_token"]]
            rows.append(
                (
                    "raw-" + item["client_id"],
                    venue_id,
                    unit_id,
                    people[item["id_number"]],
                    item["checked_in_at"],
                    "scanner",
                    "2021-07-01",
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_checkin")
        cursor.execute("CREATE TABLE bench_checkin AS SELECT * FROM surveillance_checkin WHERE 0")
        cursor.execute("CREATE UNIQUE INDEX bench_checkin_client ON bench_checkin (client_id)")
        cursor.execute("CREATE INDEX bench_checkin_venue ON bench_checkin (venue_id, checked_in_at)")
        cursor.execute("CREATE INDEX bench_checkin_person ON bench_checkin (person_id, checked_in_at)")
        cursor.execute("CREATE INDEX bench_checkin_unit ON bench_checkin (unit_id)")
        sql = (
            "INSERT INTO bench_checkin (client_id, venue_id, unit_id, person_id, checked_in_at, source, "
            "received_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        )
        started = time.perf_counter()
        with transaction.atomic():
            cursor.executemany(sql, rows)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_checkin")
    return len(rows) / seconds


def server_benchmarks() -> list[dict]:
    """The API under load from separate client processes, against `phongdich serve` (gunicorn)."""
    commander = User.objects.get(username="tinh.chihuy")
    _token, plain = api_token_create(actor="bench", user=commander, name="bench")
    bodies = checkin_batches(CHECKIN_BATCHES)
    raw_rate = checkin_raw_baseline(bodies)
    port = harness.free_port()
    with harness.serving(port):
        load(port, health_path, plain, clients=4, per_client=10)  # warm the workers
        persons = load(port, person_search_path, plain)
        health = load(port, health_path, plain)
        senders = 2
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(senders) as pool:
            accepted = sum(pool.starmap(post_batches, [(port, plain, bodies[i::senders]) for i in range(senders)]))
        ingest_rate = accepted / (time.perf_counter() - started)
    persons_p95, health_p95 = percentile(persons, 0.95), percentile(health, 0.95)
    return [
        result("api_person_list_p95_ms", persons_p95, "ms", 100, health_p95),
        result("api_person_list_p95_ratio", persons_p95 / health_p95, "×", 2.0, 1.0),
        result("checkin_ingest_per_s", ingest_rate, "check-ins/s", 10_000, raw_rate),
    ]


def only(module: str) -> int:
    """One group of figures on the existing benchmark database; the others in results.json stay as they were."""
    if not DB_PATH.exists():
        sys.exit("No benchmark database yet: run `make bench` once.")
    set_up()
    fresh = harness.measure(module, group(module), commit=COMMIT)
    names = {row["name"] for row in fresh}
    kept = [row for row in json.loads(RESULTS.read_text()) if row["name"] not in names] if RESULTS.exists() else []
    harness.write(RESULTS, kept + fresh)
    harness.report(fresh)
    return harness.exit_code(fresh)


def demo_build_benchmark() -> list[dict]:
    print(f"Building the demo province with {PERSONS:,} residents on SQLite…", flush=True)
    seconds, persons = build_database()
    print(f"  {persons:,} residents in {seconds:.1f} s", flush=True)
    return [result("demo_build_s_per_100k", seconds * 100_000 / persons, "s", 15, raw_insert_baseline())]


def group(module: str):
    """The figures of bench/<module>.py, imported only once Django is set up and the database built."""
    import importlib

    return lambda: importlib.import_module(module).benchmarks(result)


GROUPS = [
    ("demo_build", demo_build_benchmark),
    ("person_search", lambda: [search_benchmark()]),
    ("server", server_benchmarks),
    ("tracing", group("tracing")),
    ("labs", group("labs")),
    ("stall", group("stall")),
    ("vaccination", group("vaccination")),
    ("care_rules", group("care_rules")),
    ("care", group("care")),
    ("tower", group("tower")),
    ("levels", group("levels")),
    ("levels_pages", group("levels_pages")),
    ("command", group("command")),
    ("forecast", group("forecast")),
]
COMMIT = harness.source_commit(HERE.parent)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--only":
        return only(sys.argv[2])
    RESULTS.unlink(missing_ok=True)  # no figures from an earlier run survive a failed one
    results: list[dict] = []
    for name, run in GROUPS:
        results += harness.measure(name, run, commit=COMMIT)
        harness.write(RESULTS, results)  # what is measured so far survives an interrupted run
    harness.report(results)
    return harness.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
