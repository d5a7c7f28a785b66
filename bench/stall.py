"""Check-ins while a million-line result file is imported, on the benchmark database that run.py built.

import_stall_p99_ratio        the p99 latency of a check-in batch POST while the import runs, divided by the p99 of
                              the same load without it, in the same run (target < 3; baseline: the p99 without)
checkin_batch_p99_ms          the p99 without the import
checkin_batch_import_p99_ms   the p99 while the import runs (baseline: the p99 without)
import_slice_p99_ms           the p99 time of one slice's write transaction (the write lock held) in the import
lab_import_rows_per_s_loaded  the import's rate with the check-ins beside it

The import runs as the worker would run it: its own process calling `result_import_run`. Check-ins come from
four client processes, each posting a batch of 100 (a scanner's offline upload) every quarter second to
`phongdich serve` (gunicorn), the same load in both phases.
"""

import http.client
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import harness
from labs import BAD_LINES, POOLS, RUN, add_samples, queued_import
from phongdich.accounts.models import User
from phongdich.accounts.services import api_token_create
from phongdich.labs.services import lab_save
from phongdich.people.models import Person
from phongdich.places.models import Facility, Venue
from phongdich.surveillance.models import TracingState

LINES = int(os.environ.get("PHONGDICH_BENCH_STALL_LINES", "1000000"))  # the file's lines, about
CLIENTS = 4
BATCH = 100
PERIOD_S = 0.25
QUIET_S = 30
IMPORT = """
import json, sys, time, django
django.setup()
from phongdich.labs import importers
slices, commit = [], importers.BatchImport._commit

def timed(self, numbers):
    started = time.perf_counter()
    commit(self, numbers)
    slices.append(time.perf_counter() - started)

importers.BatchImport._commit = timed
started = time.perf_counter()
job = importers.result_import_run(int(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time(), "lines": job.done_rows,
                  "slices": slices}))
"""


def benchmarks(result) -> list[dict]:
    tag = f"{RUN}S"
    lab = lab_save(actor="bench", facility=Facility.objects.get(kind="lab"), daily_capacity=200_000)
    contacts = set(TracingState.objects.values_list("person_id", flat=True))
    people = [(p, u) for p, u in Person.objects.values_list("pk", "unit_id") if p not in contacts]
    print("Registering the samples of a second result file…", flush=True)
    individual = max(LINES - POOLS - BAD_LINES, 0)
    job = queued_import(lab, add_samples(random.Random(6), lab, people, run=tag, individual=individual), tag)
    commander = User.objects.get(username="tinh.chihuy")
    _token, plain = api_token_create(actor="bench", user=commander, name="bench-stall")
    venues = [venue.qr_token for venue in Venue.objects.filter(active=True)]
    numbers = list(Person.objects.exclude(id_number="").values_list("id_number", flat=True)[:50_000])
    port = harness.free_port()
    with harness.serving(port, task_worker=False):  # the queued import is run below, by a process of its own
        load = Load(port, plain, venues, numbers)
        load.run("warm", lambda: time.sleep(3))
        quiet = load.run("quiet", lambda: time.sleep(QUIET_S))
        importing: dict = {}
        busy = load.run("import", lambda: importing.update(import_run(job.pk)))
    slices = importing["slices"]
    quiet_p99, busy_p99 = percentile(quiet, 0.99), percentile(busy, 0.99)
    rate = importing["lines"] / importing["seconds"]
    print(
        f"  check-in batch p99 {quiet_p99:.0f} ms alone, {busy_p99:.0f} ms beside the import "
        f"({len(busy)} batches); {len(slices)} slices, p99 {percentile(slices, 0.99) * 1000:.0f} ms, "
        f"max {max(slices) * 1000:.0f} ms; import {rate:,.0f} lines/s "
        f"({importing['lines'] / importing['cpu']:,.0f} a second of its own CPU)",
        flush=True,
    )
    return [
        result("import_stall_p99_ratio", busy_p99 / quiet_p99, "×", 3, quiet_p99),
        result("checkin_batch_p99_ms", quiet_p99, "ms", 300, None),
        result("checkin_batch_import_p99_ms", busy_p99, "ms", 1000, quiet_p99),
        result("import_slice_p99_ms", percentile(slices, 0.99) * 1000, "ms", 300, percentile(slices, 0.5) * 1000),
        result("lab_import_rows_per_s_loaded", rate, "rows/s", 15_000, None),
    ]


def import_run(job_id: int) -> dict:
    """The queued file imported by a process of its own, as the worker runs it; its timings."""
    done = subprocess.run([sys.executable, "-c", IMPORT, str(job_id)], capture_output=True, text=True, env=os.environ)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


class Load:
    """Check-in clients in processes of their own, posting paced batches until told to stop."""

    def __init__(self, port: int, token: str, venues: list[str], numbers: list[str]):
        self.args = (port, token, venues, numbers)

    def run(self, phase: str, during) -> list[float]:
        """The latencies (ms) of the batches posted while `during()` runs."""
        stop = Path(tempfile.mkdtemp(prefix="phongdich-stall-")) / "stop"
        context = multiprocessing.get_context("fork")
        with context.Pool(CLIENTS) as pool:
            runs = pool.starmap_async(
                post_paced, [(*self.args, f"{phase}-{client}", str(stop)) for client in range(CLIENTS)]
            )
            try:
                during()
            finally:
                stop.touch()
            return [latency for run in runs.get(timeout=120) for latency in run]


def post_paced(port: int, token: str, venues: list[str], numbers: list[str], name: str, stop: str) -> list[float]:
    rng = random.Random(name)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    now = datetime.now(UTC)
    latencies: list[float] = []
    while not os.path.exists(stop):
        items = [
            {
                "client_id": f"stall-{RUN}-{name}-{len(latencies)}-{i}",
                "venue_token": rng.choice(venues),
                "id_number": rng.choice(numbers),
                "checked_in_at": (now - timedelta(minutes=rng.randint(10, 14 * 24 * 60))).isoformat(),
            }
            for i in range(BATCH)
        ]
        body = json.dumps({"source": "scanner", "items": items}).encode()
        started = time.perf_counter()
        connection.request("POST", "/api/v1/checkins/batch", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        latencies.append(elapsed * 1000)
        time.sleep(max(PERIOD_S - elapsed, 0))
    connection.close()
    return latencies


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
