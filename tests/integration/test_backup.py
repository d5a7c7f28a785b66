"""`phongdich backup` and `phongdich restore` as an operator runs them: a backup of committed data (so not inside a
test transaction), taken while another connection commits, restored into a new database that then serves."""

import json
import os
import secrets
import subprocess
import sys
import threading
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

SERVE_ONE_REQUEST = """
import django, json, sys
django.setup()
from django.test import Client
from phongdich.accounts.models import User
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="commune_officer"))
answer = client.get("/api/v1/checkins", {"limit": 200})
print(json.dumps({"status": answer.status_code, "client_ids": [c["client_id"] for c in answer.json()["items"]]}))
"""


@pytest.fixture
def seeded():
    """The shared world, rebuilt when an earlier transactional test has flushed it (these tests run last)."""
    from phongdich.accounts.models import User
    from phongdich.core.testing import build_world

    if not User.objects.filter(username="province_commander").exists():
        build_world()


def record_check_in(client_id: str):
    from phongdich.core.testing import World
    from phongdich.surveillance.models import CheckIn

    world = World()
    market, hang = world.venue("Chợ Lái Thiêu"), world.person("Nguyễn Thị Hằng", "25966")
    when = timezone.now() - timedelta(hours=2)
    return CheckIn.objects.create(client_id=client_id, venue=market, unit=market.unit, person=hang, checked_in_at=when)


def served_from(url: str) -> dict:
    env = {**os.environ, "PHONGDICH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "phongdich.settings"}
    done = subprocess.run([sys.executable, "-c", SERVE_ONE_REQUEST], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def restore_target(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored_{secrets.token_hex(3)}"
    return f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{name}"


@pytest.fixture
def target(tmp_path):
    url = restore_target(tmp_path)
    yield url
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(url.rsplit('/', 1)[1])} WITH (FORCE)")


class CheckInWriter(threading.Thread):
    """Another server process recording check-ins, one commit each, until told to stop."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.commits = threading.Event(), 0

    def run(self):
        try:
            while not self.stop.is_set():
                record_check_in(f"load-{self.commits}")
                self.commits += 1
        finally:
            connections.close_all()


def test_a_backup_under_write_load_restores_into_a_new_database_that_serves_its_check_ins(seeded, tmp_path, target):
    record_check_in("before-backup")
    writer = CheckInWriter()
    if connection.vendor == "postgresql":  # SQLite's in-memory test database cannot take a second writer
        writer.start()
    output = StringIO()
    call_command("backup", dir=tmp_path, stdout=output, stderr=StringIO())
    writer.stop.set()
    if writer.is_alive():
        writer.join()
    backup = Path(output.getvalue().strip())
    assert backup.name.startswith("phongdich-") and Path(f"{backup}.sha256").exists()

    call_command("restore", str(backup), to=target, stdout=StringIO())
    served = served_from(target)
    assert served["status"] == 200 and "before-backup" in served["client_ids"]
    if writer.ident:
        assert writer.commits > 0
    with pytest.raises(CommandError, match="exists"):  # a restore never overwrites a database
        call_command("restore", str(backup), to=target, stdout=StringIO())
