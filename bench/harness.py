"""The plumbing of `make bench`, apart from Django so that it can be tested alone: every figure is written with
the commit and the time it was measured at, a group of figures that fails is written with its error and no
value, and the run then ends with a non-zero exit code."""

import gc
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


def figure(name: str, value: float | None, unit: str, target: float | None, baseline: float | None) -> dict:
    """One measured figure; `value` None (or not a number) when it could not be measured."""
    measured = value is not None and math.isfinite(value)
    return {
        "name": name,
        "value": round(value, 3) if measured else None,
        "unit": unit,
        "target": target,
        "baseline": round(baseline, 3) if baseline is not None else None,
        "ratio": round(value / baseline, 3) if measured and baseline else None,
        **({} if measured else {"error": "no value"}),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(port: int, *, task_worker: bool = True, env: dict | None = None) -> Iterator[None]:
    """`phongdich serve` (gunicorn) on the benchmark database (or the one `env` names), answering /healthz, until
    the block ends; without its task worker when the benchmark runs the queued work itself."""
    server = subprocess.Popen(
        [sys.executable, "-m", "phongdich.cli", "serve", "--port", str(port)],
        env={
            **(env or os.environ),
            "PHONGDICH_LOG_LEVEL": "WARNING",
            "PHONGDICH_TASK_WORKER": "1" if task_worker else "0",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def source_commit(repository: Path) -> str:
    """HEAD of the checkout being measured, with "-dirty" when it has uncommitted changes."""
    try:
        head = _git(repository, "rev-parse", "HEAD")
        changes = _git(repository, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}-dirty" if changes else head


def _git(repository: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def measure(group: str, run: Callable[[], list[dict]], *, commit: str) -> list[dict]:
    """The figures of one group, stamped; a group that raises is one figure named after it, with the error."""
    try:
        rows = run()
    except Exception as error:  # one failed group must not lose the figures of the others
        traceback.print_exc()
        rows = [{"name": group, "value": None, "error": f"{type(error).__name__}: {error}"}]
    if not rows:
        rows = [{"name": group, "value": None, "error": "no figures"}]
    measured_at = datetime.now(UTC).isoformat(timespec="seconds")
    return [{**row, "commit": commit, "measured_at": measured_at} for row in rows]


def unmeasured(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row.get("value") is None]


def write(path: Path, rows: list[dict]) -> None:
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")


def report(rows: list[dict]) -> None:
    for row in rows:
        if row.get("value") is None:
            print(f"{row['name']:28} NOT MEASURED: {row.get('error', 'no value')}")
            continue
        target = row["target"] if row["target"] is not None else "—"
        baseline = row["baseline"] if row["baseline"] is not None else "—"
        print(
            f"{row['name']:28} {row['value']:>10} {row['unit']:3} target {target:>5}  "
            f"baseline {baseline:>8}  ratio {row['ratio']}"
        )


def exit_code(rows: list[dict]) -> int:
    """Non-zero when a figure could not be measured, so that a failed run is not taken for a good one."""
    failed = unmeasured(rows)
    if failed:
        print(f"{len(failed)} figure(s) not measured: {', '.join(row['name'] for row in failed)}")
    return 1 if failed else 0


def page_p95_ms(fetch, runs: int) -> float:
    """p95 of `runs` requests by a test client (`fetch()` returns its response), after one to load the client's user,
    session and scopes. The benchmark process holds the millions of objects the earlier groups loaded, which no web
    worker holds: the cyclic collector, triggered by a page's allocations, would walk them all and put its pauses in
    the page's time (a full run measured the bed board at 195 ms, the same board alone at 15 ms). They are frozen out
    of its sight while the page is timed (`gc.freeze`), as they would be absent from a worker."""
    fetch()
    gc.collect()
    gc.freeze()
    try:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = fetch()
            samples.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.status_code
    finally:
        gc.unfreeze()
    samples.sort()
    return samples[int(0.95 * (len(samples) - 1))]
