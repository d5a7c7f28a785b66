"""The benchmark harness's plumbing (bench/harness.py), without running a benchmark."""

import importlib.util
import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("bench_harness", BENCH / "harness.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def search_figures(harness):
    return [harness.figure("person_search_p95_ms", 31.4159, "ms", 50, 2.5)]


def failing_figures(harness):
    raise RuntimeError("HTTP 502")


def test_a_measured_figure_carries_its_ratio_the_commit_and_the_time_it_was_measured_at(harness):
    [row] = harness.measure("person_search", lambda: search_figures(harness), commit="abc123")
    assert (row["name"], row["value"], row["baseline"], row["ratio"]) == ("person_search_p95_ms", 31.416, 2.5, 12.566)
    assert row["commit"] == "abc123" and "error" not in row
    assert abs((datetime.now().astimezone() - datetime.fromisoformat(row["measured_at"])).total_seconds()) < 60


def test_a_group_that_raises_is_written_without_a_value_and_the_run_exits_non_zero(harness, tmp_path, capsys):
    rows = harness.measure("person_search", lambda: search_figures(harness), commit="abc123")
    rows += harness.measure("server", lambda: failing_figures(harness), commit="abc123")
    path = tmp_path / "results.json"
    harness.write(path, rows)
    written = json.loads(path.read_text())
    assert [(row["name"], row["value"]) for row in written] == [("person_search_p95_ms", 31.416), ("server", None)]
    assert written[1]["error"] == "RuntimeError: HTTP 502" and written[1]["commit"] == "abc123"
    assert harness.exit_code(written) == 1
    assert "server" in capsys.readouterr().out


def test_a_figure_without_a_value_counts_as_not_measured(harness):
    rows = harness.measure(
        "labs", lambda: [harness.figure("lab_import_rows_per_s", float("nan"), "rows/s", 20_000, 9_000)], commit="x"
    )
    assert (rows[0]["value"], rows[0]["ratio"], rows[0]["error"]) == (None, None, "no value")
    assert harness.exit_code(rows) == 1


def test_a_run_where_every_figure_was_measured_exits_zero(harness):
    assert harness.exit_code(harness.measure("person_search", lambda: search_figures(harness), commit="x")) == 0


def test_the_commit_is_marked_dirty_when_the_tree_has_changes(harness, tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "run.py").write_text("print('bench')\n")
    git("add", "run.py")
    git("-c", "user.name=Trần Văn Bình", "-c", "user.email=binh@example.vn", "commit", "-qm", "Bench")
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert harness.source_commit(tmp_path) == head.strip()
    (tmp_path / "run.py").write_text("print('changed')\n")
    assert harness.source_commit(tmp_path) == f"{head.strip()}-dirty"
