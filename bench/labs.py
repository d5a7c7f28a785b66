"""Lab benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

lab_import_rows_per_s   a 1,000,000-line result file (990,000 individual samples, 10,000 pools of 10, mixed
                        results, 1,000 bad lines) through the importer, validation and effects included,
                        vs a raw executemany of the same lines into a table of the same shape
pool_result_apply_ms    one positive pool of 10 (tasks created, statuses set, audit written; median of 30)
                        vs a raw update of its 10 samples and insert of 10 task rows
round_dashboard_p95_ms  the round page of a ward of ~30,000 residents, 70% sampled (p95 of 40 requests)
                        vs a raw grouped count of the round's samples

The file's people are chosen among those who are not contacts: clearing contacts re-levels, which the
contact-tracing figures measure on their own (flevel_incremental_ms).
"""

import csv
import io
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.core.import_flow import bytes_keep
from phongdich.labs.importers import UPLOAD_KIND, result_import_run, result_import_start
from phongdich.labs.models import Barcode, Lab, Pool, ResampleTask, ResultImport, Sample
from phongdich.labs.services import Reading, lab_save, pool_result_record, round_create
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit, Facility
from phongdich.surveillance.models import TracingState
from tracing import insert

INDIVIDUAL = 990_000
POOLS = 10_000
POOL_SIZE = 10
BAD_LINES = 1_000
NOW = datetime.now(UTC).replace(microsecond=0)
RUN = NOW.strftime("%y%m%d%H%M%S")  # in every barcode, so that `run.py --only labs` can run again on the same database
SAMPLED = (NOW - timedelta(hours=30)).strftime("%Y-%m-%d %H:%M:%S")
SAMPLE_COLUMNS = [
    "barcode", "person_id", "unit_id", "kind", "sampled_at", "team", "lab_id", "round_id", "pool_id", "symptoms",
    "photo", "status", "result", "result_source", "received_at", "result_at", "turnaround_minutes", "created_at",
    "tube_id",
]  # fmt: skip


def benchmarks(result) -> list[dict]:
    rng = random.Random(4)
    lab = lab_save(actor="bench", facility=Facility.objects.get(kind="lab"), daily_capacity=200_000)
    contacts = set(TracingState.objects.values_list("person_id", flat=True))
    people = [(p, u) for p, u in Person.objects.values_list("pk", "unit_id") if p not in contacts]
    print(f"Registering {INDIVIDUAL + (POOLS + 31) * POOL_SIZE:,} received samples…", flush=True)
    lines = add_samples(rng, lab, people)
    rate, raw_rate = import_benchmark(lab, lines)
    print(f"  imported at {rate:,.0f} lines/s", flush=True)
    apply_ms, apply_raw = pool_benchmark(lab, people)
    dashboard, dashboard_raw, residents = dashboard_benchmark(rng, lab)
    print(f"  round page over {residents:,} residents: p95 {dashboard:.0f} ms", flush=True)
    return [
        result("lab_import_rows_per_s", rate, "rows/s", 15_000, raw_rate),
        result("pool_result_apply_ms", apply_ms, "ms", 50, apply_raw),
        result("round_dashboard_p95_ms", dashboard, "ms", 200, dashboard_raw),
    ]


def register_tubes(codes: list[str], kind: str) -> dict[str, int]:
    """Each barcode in the registry every sample and pool points at (set-up, not measured): code → its row."""
    created = NOW.strftime("%Y-%m-%d %H:%M:%S")
    insert(Barcode._meta.db_table, ["code", "kind", "created_at"], [(code, kind, created) for code in codes])
    prefixes = {code.split("-", 1)[0] for code in codes}  # the run's tag: one indexed range read per prefix
    found: dict[str, int] = {}
    for prefix in prefixes:
        found.update(Barcode.objects.filter(code__startswith=f"{prefix}-").values_list("code", "pk"))
    return found


def with_tubes(rows: list[tuple]) -> list[tuple]:
    """Sample rows (barcode first) with their registry row's id last."""
    tubes = register_tubes([row[0] for row in rows], "sample")
    return [(*row, tubes[row[0]]) for row in rows]


def add_samples(
    rng: random.Random, lab: Lab, people: list[tuple[int, int]], run: str = RUN, individual: int = INDIVIDUAL
) -> list[list[str]]:
    """Received samples, and the result file's lines for them (in a shuffled order, as a lab's run is); `run` tags
    every barcode, `individual` is the number of samples tested alone."""
    created = NOW.strftime("%Y-%m-%d %H:%M:%S")
    first_unit = people[0][1]
    # BP… pools are in the file; the 31 BQ… pools are kept for pool_result_apply_ms.
    barcodes = [f"BP{run}-{i:07d}" for i in range(POOLS)] + [f"BQ{run}-{i:07d}" for i in range(31)]
    columns = ["barcode", "lab_id", "unit_id", "size_limit", "high_risk", "status", "result", "received_at", "team"]
    tubes = register_tubes(barcodes, "pool")
    insert(
        Pool._meta.db_table,
        [*columns, "created_at", "tube_id"],
        [(code, lab.pk, first_unit, POOL_SIZE, False, "received", "", created, "", created, tubes[code])
         for code in barcodes],
    )  # fmt: skip
    pool_ids = dict(Pool.objects.filter(barcode__in=barcodes).values_list("barcode", "pk"))
    rows = []
    for i in range(individual):
        person, unit = people[rng.randrange(len(people))]
        rows.append((f"BS{run}-{i:08d}", person, unit, "rt_pcr", SAMPLED, "", lab.pk, None, None, False, "", "received",
                     "", "", created, None, None, created))  # fmt: skip
    for i in range(len(barcodes) * POOL_SIZE):
        person, unit = people[rng.randrange(len(people))]
        pool = pool_ids[barcodes[i // POOL_SIZE]]
        rows.append((f"BM{run}-{i:08d}", person, unit, "rt_pcr_pooled", SAMPLED, "", lab.pk, None, pool, False, "",
                     "received", "", "", created, None, None, created))  # fmt: skip
    insert(Sample._meta.db_table, SAMPLE_COLUMNS, with_tubes(rows))
    result_time = (NOW - timedelta(hours=2)).astimezone().strftime("%d/%m/%Y %H:%M")
    lines = []
    for i in range(individual):
        roll = rng.random()
        value = "Dương tính" if roll < 0.00002 else "Không xác định" if roll < 0.0003 else "Âm tính"
        lines.append(
            [f"BS{run}-{i:08d}", value, result_time, f"{rng.uniform(18, 35):.2f}" if value == "Dương tính" else ""]
        )
    for i in range(POOLS):
        value = "Dương tính" if i % 1000 == 0 else "Âm tính"
        lines.append([f"BP{run}-{i:07d}", value, result_time, ""])
    for i in range(BAD_LINES):
        lines.append([f"KHONG-CO-{i}", "Âm tính", result_time, ""])
    rng.shuffle(lines)
    return lines


def import_benchmark(lab: Lab, lines: list[list[str]]) -> tuple[float, float]:
    job = queued_import(lab, lines, RUN)
    started = time.perf_counter()
    job = result_import_run(job.pk)
    seconds = time.perf_counter() - started
    assert job.error_count == BAD_LINES and job.done_rows == len(lines), (job.error_count, job.done_rows, job.message)
    return len(lines) / seconds, raw_baseline(lines)


def queued_import(lab: Lab, lines: list[list[str]], run: str) -> ResultImport:
    """The lines as a result file uploaded by a technician of the lab (`bench-lab-<run>`), queued for import."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã mẫu", "Kết quả", "Thời gian trả kết quả", "Ct N"])
    writer.writerows(lines)
    raw = out.getvalue().encode()
    technician = User.objects.create_user(username=f"bench-lab-{run}", password=None)
    role_assign(actor="bench", user=technician, role=Role.LAB_TECHNICIAN, facility=lab.facility)
    mapping = {"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian trả kết quả", "ct_n": "Ct N"}
    upload = bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=raw, filename="ket-qua.csv")
    job = result_import_start(actor=technician.username, lab=lab, upload=upload, mapping=mapping)
    job.created_by = technician
    job.save(update_fields=["created_by"])
    return job


def raw_baseline(lines: list[list[str]]) -> float:
    """The same lines, as text, into an indexed scratch table with one executemany per 5,000 (as the importer
    commits): the floor under any import of this file."""
    raw = connection.connection
    raw.execute("CREATE TEMP TABLE bench_results (barcode TEXT UNIQUE, result TEXT, result_at TEXT, ct TEXT)")
    started = time.perf_counter()
    for start in range(0, len(lines), 5000):
        with transaction.atomic():
            raw.executemany("INSERT INTO bench_results VALUES (?, ?, ?, ?)", lines[start : start + 5000])
    seconds = time.perf_counter() - started
    raw.execute("DROP TABLE bench_results")
    return len(lines) / seconds


def pool_benchmark(lab: Lab, people: list[tuple[int, int]]) -> tuple[float, float]:
    """Positive results for 30 received pools of 10, one at a time through the service."""
    pools = list(Pool.objects.filter(barcode__startswith=f"BQ{RUN}-").order_by("pk"))
    timings = []
    technician = User.objects.get(username=f"bench-lab-{RUN}")
    for pool in pools[:30]:
        started = time.perf_counter()
        pool_result_record(actor=technician, pool=pool, reading=Reading("positive", NOW - timedelta(hours=1)))
        timings.append((time.perf_counter() - started) * 1000)
    assert ResampleTask.objects.filter(pool__in=pools[:30]).count() == 30 * POOL_SIZE
    raw_timings = []
    members = list(Sample.objects.filter(pool=pools[30]).values_list("pk", "person_id", "unit_id"))
    for _ in range(30):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany("UPDATE labs_sample SET status = 'tested' WHERE id = %s", [(m[0],) for m in members])
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_tasks (person_id, unit_id, cause_id, due_at)")
            cursor.executemany(
                "INSERT INTO bench_tasks VALUES (%s, %s, %s, %s)", [(p, u, s, SAMPLED) for s, p, u in members]
            )
        raw_timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), statistics.median(raw_timings)


def dashboard_benchmark(rng: random.Random, lab: Lab) -> tuple[float, float, int]:
    """The round page of the commune whose residents number closest to 30,000 (the largest, if none reach it)."""
    sizes = (
        Person.objects.values("unit__parent_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("unit__parent_id", "n")
    )
    ward_id, residents = min(sizes, key=lambda row: (row[1] < 30_000, abs(row[1] - 30_000)))
    ward = AdminUnit.objects.get(pk=ward_id)
    commander = User.objects.filter(role_assignments__role="province_commander").first()
    testing_round = round_create(
        actor=commander, name="Đợt đo hiệu năng", unit=ward, starts_on=NOW.date(), ends_on=NOW.date()
    )
    created = NOW.strftime("%Y-%m-%d %H:%M:%S")
    rows = []
    people = Person.objects.filter(unit__parent=ward).values_list("pk", "unit_id")
    for index, (person, unit) in enumerate(people):
        if rng.random() > 0.7:
            continue
        done = rng.random() < 0.85
        minutes = rng.randint(300, 2400) if done else None
        result_at = (
            (NOW - timedelta(hours=30) + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S") if done else None
        )
        value = ("positive" if rng.random() < 0.004 else "negative") if done else ""
        rows.append((f"BR{RUN}-{index:08d}", person, unit, "rt_pcr_pooled", SAMPLED, "", lab.pk, testing_round.pk, None,
                     False, "", "released" if done else "received", value, "pool" if done else "", created, result_at,
                     minutes, created))  # fmt: skip
    insert(Sample._meta.db_table, SAMPLE_COLUMNS, with_tubes(rows))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(commander)
    url = f"/testing/rounds/{testing_round.pk}/"
    page, raw = page_p95_ms(
        client,
        url,
        lambda: list(Sample.objects.filter(round=testing_round).values("unit_id").annotate(n=Count("id")).order_by()),
    )
    return page, raw, residents


def page_p95_ms(client: Client, url: str, raw, runs: int = 40) -> tuple[float, float]:
    """p95 of `runs` requests of a page, and of `raw` (the bare query the page rests on), in milliseconds."""
    assert client.get(url).status_code == 200
    timings, raw_timings = [], []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        raw()
        raw_timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 0.95), percentile(raw_timings, 0.95)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
