"""Epidemic-level map benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

levels_map_p95_ms        the province's level map page (/levels/map/: every commune of a published week drawn as a
                         tile grid, the legend with counts, the week slider, the units at level 3 or 4) as the
                         province commander, drawn afresh for each request (the cache emptied first), cycling over
                         the WEEKS published weeks (p95 of 40), vs a page of the same layout with nothing to compute
                         (/accounts/password/done/)
levels_public_p95_ms     the public page /cap-do-dich/ for a visitor without an account, cycling over the published
                         weeks, on `phongdich serve` (gunicorn), one keep-alive client (p95 of 400 after a warm-up
                         that has each week drawn and cached), vs GET /healthz on the same server
levels_public_p95_ratio  the same two p95s as one ratio

The province's levels are written straight into the tables (set-up, not measured): WEEKS published assessments with
a result for every unit of the province, residential groups included. Every run starts by removing the assessments
an earlier run of this group left, so `run.py --only levels_pages` can run again.
"""

import http.client
import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.test import Client

import harness
from phongdich.accounts.models import User
from phongdich.levels.choices import AssessmentStatus, Outcome, ResultStatus
from phongdich.levels.models import Assessment, LevelResult, LevelRules
from phongdich.places.models import AdminUnit

WEEKS = 8
FIRST_WEEK = date(2021, 8, 30)  # eight Mondays to 18/10/2021, the first weeks under Resolution 128
BENCH_USER = "bench.levels"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def benchmarks(result) -> list[dict]:
    forget_earlier_runs()
    results = levels_load()
    weeks = [(FIRST_WEEK + timedelta(weeks=n)).isoformat() for n in range(WEEKS)]
    print(f"Published levels: {WEEKS} weeks, {results:,} unit results…", flush=True)
    map_page, simple_page = map_benchmark(weeks)
    print(f"  map page p95 {map_page:.1f} ms drawn afresh (a page of the same layout {simple_page:.1f} ms)", flush=True)
    public, health = public_benchmark(weeks)
    print(f"  public page p95 {public:.1f} ms (/healthz {health:.1f} ms)", flush=True)
    return [
        result("levels_map_p95_ms", map_page, "ms", 200, simple_page),
        result("levels_public_p95_ms", public, "ms", 50, health),
        result("levels_public_p95_ratio", public / health, "×", 2.0, 1.0),
    ]


def forget_earlier_runs() -> None:
    Assessment.objects.filter(created_by__username=BENCH_USER).delete()  # their results go with them


def levels_load() -> int:
    """WEEKS published assessments of the whole province, one result per unit, levels falling week by week as
    they did in the autumn of 2021; a few residential groups without residents."""
    author, _created = User.objects.get_or_create(username=BENCH_USER, defaults={"full_name": "Thử tải cấp độ dịch"})
    rules = LevelRules.objects.get(code="4800")
    units = list(AdminUnit.objects.filter(path__startswith=AdminUnit.root_path()).values_list("pk", "path", "depth"))
    rng = random.Random(128)
    count = 0
    for n in range(WEEKS):
        monday = FIRST_WEEK + timedelta(weeks=n)
        published_at = datetime.combine(monday + timedelta(days=7), datetime.min.time(), HCM) + timedelta(hours=18)
        effective_at = published_at + timedelta(hours=6)
        assessment = Assessment.objects.create(
            rules=rules,
            week=monday,
            assessed_on=monday + timedelta(days=7),
            status=AssessmentStatus.PUBLISHED,
            created_by=author,
            published_by=author,
            published_at=published_at,
            effective_at=effective_at,
        )
        weights = [1 + n, 4, max(1, 6 - n), max(1, 8 - 2 * n)]  # green spreads, red recedes
        rows = []
        for pk, path, depth in units:
            empty = depth == 3 and rng.random() < 0.02
            level = None if empty else rng.choices((1, 2, 3, 4), weights)[0]
            rows.append(
                LevelResult(
                    assessment=assessment,
                    unit_id=pk,
                    unit_path=path,
                    depth=depth,
                    outcome=Outcome.NO_POPULATION if empty else Outcome.ASSESSED,
                    proposed_level=level,
                    level=level,
                    status=ResultStatus.PUBLISHED,
                    effective_at=effective_at,
                )
            )
        LevelResult.objects.bulk_create(rows, batch_size=5000)
        count += len(rows)
    return count


def map_benchmark(weeks: list[str]) -> tuple[float, float]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="tinh.chihuy"))
    turn = iter(range(10**6))

    def drawn_afresh():
        cache.clear()
        return client.get(f"/levels/map/?week={weeks[next(turn) % len(weeks)]}")

    return harness.page_p95_ms(drawn_afresh, 40), harness.page_p95_ms(
        lambda: client.get("/accounts/password/done/"), 40
    )


def public_benchmark(weeks: list[str]) -> tuple[float, float]:
    """The public page and /healthz on the production server, one request at a time on a keep-alive connection."""
    pages = [f"/cap-do-dich/?week={week}" for week in weeks]
    port = harness.free_port()
    with harness.serving(port, task_worker=False):
        _timed(port, pages * 15)  # every worker draws and caches each week
        _timed(port, ["/healthz"] * 50)
        public = _timed(port, pages * 50)
        health = _timed(port, ["/healthz"] * 400)
    return _percentile(public, 0.95), _percentile(health, 0.95)


def _timed(port: int, paths: list[str]) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
    connection.close()
    return latencies


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
