"""Admissions racing for the last beds, each in its own process as the server's workers are: exactly as many
succeed as there were free beds, the others are told there is no free bed, and the ward never counts more patients
than beds. On SQLite (a copy of the test database in a file) and on PostgreSQL (the test database itself)."""

import os
import subprocess
import sys
import time

import pytest

from phongdich.core.testing import SharedDatabase

from ...tests.reporting import resident
from ..models import Admission, Ward
from .world import a_facility

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("FAKETIME" in os.environ, reason="a child process cannot share the moved clock"),
]
RACERS = 8
BEDS = 3
RACE = """
import sys, time, django
django.setup()
from phongdich.accounts.models import User
from phongdich.care.tower.services.admissions import NoFreeBed, admit
from phongdich.people.models import Person
from phongdich.places.models import Facility
commander = User.objects.get(username="province_commander")
person = Person.objects.get(pk=int(sys.argv[1]))
facility = Facility.objects.get(pk=int(sys.argv[2]))
while time.time() < float(sys.argv[3]):
    time.sleep(0.005)
try:
    admit(actor=commander, person=person, facility=facility, bed_kind="icu")
    print("admitted")
except NoFreeBed:
    print("no free bed")
"""


def test_eight_admissions_racing_for_three_icu_beds_admit_exactly_three(seeded, tmp_path):
    hospital = a_facility("Bệnh viện Quốc tế Becamex", "hospital", "25966", 3, {"icu": BEDS}, ("10.9105", "106.7090"))
    patients = [resident(seeded, f"Bệnh nhân Nguyễn Văn {index}", serial=7100 + index) for index in range(RACERS)]
    shared = SharedDatabase(tmp_path)
    shared.share()
    env = {**os.environ, "PHONGDICH_DATABASE_URL": shared.url, "DJANGO_SETTINGS_MODULE": "phongdich.settings"}
    start = time.time() + 6  # every process set up and waiting before the first one admits
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(patient.pk), str(hospital.pk), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for patient in patients
    ]
    answers = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        answers.append(out.strip())
    shared.take_back()
    assert sorted(answers) == ["admitted"] * BEDS + ["no free bed"] * (RACERS - BEDS)
    ward = Ward.objects.get(facility=hospital, bed_kind="icu")
    assert (ward.occupied, ward.beds) == (BEDS, BEDS)
    assert Admission.objects.filter(facility=hospital).count() == BEDS
