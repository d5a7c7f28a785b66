"""Care benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

selfreport_ingest_per_s   self-reports stored through POST /api/v1/care/reports on `phongdich serve` (gunicorn) by
                          20 client processes, each report through a household's link (its token, its rate limit),
                          warning-sign evaluation, the alerts of one report in ten and the audit row included,
                          vs GET /healthz requests per second under the same 20 clients in the same run
missed_report_sweep_ms    the missed-report sweep over 100,000 F0 treated at home, 70 % of them with a report in the
                          last hours and 30 % silent for 20 hours, so 30,000 alerts raised (median of 3 runs, each on
                          the same silent share), vs a raw SELECT count(*) over the same active orders

Every run starts by removing the care rows an earlier run of this group left (the database is a copy kept for
benchmarks), so `run.py --only care` can run again.
"""

import http.client
import json
import multiprocessing
import os
import random
import statistics
import time
from datetime import timedelta

from django.db import connection

import harness
from phongdich.care.choices import OrderKind, OrderStatus, ReleaseTest
from phongdich.care.models import Alert, AlertAction, IsolationOrder, IsolationRules, ReportLink, SelfReport
from phongdich.care.services.reports import missed_reports_sweep
from phongdich.core import clock
from phongdich.core.models import RateEvent
from phongdich.people.models import Person
from tracing import insert

CLIENTS = 20
PER_CLIENT = int(os.environ.get("PHONGDICH_BENCH_SELFREPORTS_PER_CLIENT", "250"))
HOME_ORDERS = int(os.environ.get("PHONGDICH_BENCH_HOME_ORDERS", "100000"))
SILENT_SHARE = 0.3
SWEEP_RUNS = 3


def benchmarks(result) -> list[dict]:
    forget_earlier_runs()
    people = list(Person.objects.order_by("pk").values_list("pk", "unit_id")[: HOME_ORDERS + CLIENTS * PER_CLIENT])
    rules = rules_for_bench()
    print(f"Self-reports through {CLIENTS * PER_CLIENT:,} household links, {CLIENTS} clients…", flush=True)
    ingest, health = ingest_benchmark(rules, people[HOME_ORDERS:])
    print(f"  {ingest:,.0f} reports/s (healthz {health:,.0f}/s)", flush=True)
    print(f"Missed-report sweep over {HOME_ORDERS:,} people at home…", flush=True)
    sweep_ms, raw_ms, raised = sweep_benchmark(rules, people[:HOME_ORDERS])
    print(f"  {sweep_ms:,.0f} ms, {raised:,} alerts raised", flush=True)
    return [
        result("selfreport_ingest_per_s", ingest, "reports/s", 1000, health),
        result("missed_report_sweep_ms", sweep_ms, "ms", 2000, raw_ms),
    ]


def forget_earlier_runs() -> None:
    with connection.cursor() as cursor:
        for model in (AlertAction, Alert, SelfReport, IsolationOrder, ReportLink):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    RateEvent.objects.filter(key__startswith="selfreport-").delete()


def rules_for_bench() -> IsolationRules:
    on = clock.today() - timedelta(days=365)
    rules, _created = IsolationRules.objects.get_or_create(
        effective_from=on,
        defaults={
            "source_document": "Quy định dùng cho đo hiệu năng",
            "document_date": on,
            "durations": {OrderKind.F0_HOME: {"none": {"days": 10, "monitor_days": 7, "test_days": [10]}}},
        },
    )
    return rules


ORDER_COLUMNS = [
    "person_id", "unit_id", "kind", "status", "group_code", "address", "team", "starts_on", "planned_end",
    "test_days", "release_test", "rules_id", "condition", "condition_params", "severity", "eligibility",
    "end_reason", "end_params", "certificate_code", "created_at", "last_report_at", "link_id",
]  # fmt: skip


def add_orders(rules: IsolationRules, people, kinds, created_at, last_report_at=lambda i: None, link_ids=None):
    """Active orders for `people` (set-up, not measured), written straight into the table."""
    start = clock.today() - timedelta(days=3)
    begins, ends = start.isoformat(), (start + timedelta(days=9)).isoformat()
    rows = [
        (person, unit, kinds(i), OrderStatus.ACTIVE, "", "", "", begins, ends,
         "[]", ReleaseTest.ANTIGEN, rules.pk, "none", "{}", "", "{}", "", "{}", "", created_at(i), last_report_at(i),
         link_ids[i] if link_ids else None)
        for i, (person, unit) in enumerate(people)
    ]  # fmt: skip
    insert(IsolationOrder._meta.db_table, ORDER_COLUMNS, rows)


def db_time(moment) -> str:
    return connection.ops.adapt_datetimefield_value(moment)


# -- Ingest ---------------------------------------------------------------------------------------------------------


def ingest_benchmark(rules: IsolationRules, people) -> tuple[float, float]:
    links = add_links(rules, people)
    bodies = report_bodies(links)
    port = harness.free_port()
    with harness.serving(port, task_worker=False):
        load_get(port, "/healthz", clients=4, per_client=20)  # warm the workers
        post_all(port, bodies[:CLIENTS])  # each worker's first report loads what it caches
        health = load_get(port, "/healthz", clients=CLIENTS, per_client=PER_CLIENT)
        ingest = post_all(port, bodies[CLIENTS:])
    stored = SelfReport.objects.count()
    assert stored == len(bodies), f"{stored} reports stored of {len(bodies)} sent"
    return ingest, health


def add_links(rules: IsolationRules, people) -> list[tuple[str, int]]:
    """One household link per person (set-up): (token, order id)."""
    import secrets

    now = db_time(clock.now())
    tokens = [secrets.token_urlsafe(32) for _ in people]
    insert(
        ReportLink._meta.db_table,
        ["token", "unit_id", "created_at"],
        [(token, unit, now) for token, (_person, unit) in zip(tokens, people, strict=True)],
    )
    link_ids = dict(ReportLink.objects.filter(token__in=tokens).values_list("token", "pk"))
    add_orders(
        rules, people, lambda i: OrderKind.F0_HOME, lambda i: now, link_ids=[link_ids[token] for token in tokens]
    )
    orders = dict(IsolationOrder.objects.filter(link__token__in=tokens).values_list("link__token", "pk"))
    return [(token, orders[token]) for token in tokens]


def report_bodies(links: list[tuple[str, int]]) -> list[tuple[str, bytes]]:
    """(link token, JSON body) per report: one household's link each, one report in ten with a warning sign."""
    rng = random.Random(15)
    now = clock.now()
    bodies = []
    for i, (token, order) in enumerate(links):
        warning = i % 10 == 0
        body = {
            "client_id": f"bench-{i}",
            "order_id": order,
            "measured_at": (now - timedelta(minutes=rng.randint(1, 120))).isoformat(),
            "spo2": rng.randint(90, 96) if warning else rng.randint(97, 99),
            "breathing_rate": rng.randint(14, 19),
            "pulse": rng.randint(60, 100),
            "temperature": f"{rng.uniform(36.2, 38.4):.1f}",
            "symptoms": rng.sample(["cough", "fever", "sore_throat", "tiredness", "headache"], 2),
        }
        bodies.append((token, json.dumps(body).encode()))
    return bodies


def post_client(port: int, bodies: list[tuple[str, bytes]]) -> int:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    stored = 0
    for token, body in bodies:
        headers = {"Authorization": f"Link {token}", "Content-Type": "application/json"}
        connection_.request("POST", "/api/v1/care/reports", body=body, headers=headers)
        response = connection_.getresponse()
        answer = response.read()
        if response.status != 201:
            raise RuntimeError(f"HTTP {response.status}: {answer[:300]!r}")
        stored += 1
    connection_.close()
    return stored


def post_all(port: int, bodies: list[tuple[str, bytes]]) -> float:
    """Reports per second for `bodies` sent by CLIENTS processes at once."""
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(CLIENTS) as pool:
        stored = sum(pool.starmap(post_client, [(port, bodies[i::CLIENTS]) for i in range(CLIENTS)]))
    return stored / (time.perf_counter() - started)


def get_client(port: int, path: str, count: int) -> int:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        connection_.request("GET", path)
        response = connection_.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
    connection_.close()
    return count


def load_get(port: int, path: str, clients: int, per_client: int) -> float:
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(clients) as pool:
        done = sum(pool.starmap(get_client, [(port, path, per_client)] * clients))
    return done / (time.perf_counter() - started)


# -- Missed reports ---------------------------------------------------------------------------------------------


def sweep_benchmark(rules: IsolationRules, people) -> tuple[float, float, int]:
    now = clock.now()
    silent = int(len(people) * SILENT_SHARE)
    long_ago, recent = db_time(now - timedelta(hours=20)), db_time(now - timedelta(hours=2))
    created = db_time(now - timedelta(days=3))
    add_orders(
        rules,
        people,
        lambda i: OrderKind.F0_HOME,
        lambda i: created,
        lambda i: (None if i % 2 else long_ago) if i < silent else recent,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times, raised = [], 0
    for _ in range(SWEEP_RUNS):
        reset_sweep()
        started = time.perf_counter()
        raised = missed_reports_sweep(now)
        times.append((time.perf_counter() - started) * 1000)
    assert raised == silent, f"{raised} alerts for {silent} silent people"
    return statistics.median(times), raw_count_ms(), raised


def reset_sweep() -> None:
    """The same silent share before each run: no missed-report alert raised yet."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Alert._meta.db_table} WHERE kind = 'missed_reports'")
        cursor.execute(f"UPDATE {IsolationOrder._meta.db_table} SET missed_alert_at = NULL")


def raw_count_ms() -> float:
    sql = f"SELECT count(*) FROM {IsolationOrder._meta.db_table} WHERE status = 'active' AND kind = 'f0_home'"
    times = []
    with connection.cursor() as cursor:
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
