"""A throwaway PostgreSQL cluster on loopback for the figures that must hold on PostgreSQL too (as .ci/run makes
one for the suite): initdb in a temporary folder, started on a free port, stopped and removed afterwards. Run as
root, the cluster runs as the `postgres` user that Debian's package creates."""

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import harness


def _bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql): the PostgreSQL figures need it")
    return os.path.dirname(found[-1])


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """The URL of an empty database on a fresh cluster, for the block's duration."""
    pg_bin, port = _bin(), harness.free_port()
    folder = tempfile.mkdtemp(prefix="phongdich-bench-pg-")
    data = os.path.join(folder, "data")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    run = lambda *command: subprocess.run(_as_owner(list(command)), check=True, capture_output=True)  # noqa: E731
    run(f"{pg_bin}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
    options = f"'-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off'"
    run(f"{pg_bin}/pg_ctl", "-D", data, "-l", os.path.join(folder, "log"), "-w", "start", "-o", options)
    try:
        run(f"{pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "phongdich")
        yield f"postgres://postgres@127.0.0.1:{port}/phongdich"
    finally:
        subprocess.run(_as_owner([f"{pg_bin}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
