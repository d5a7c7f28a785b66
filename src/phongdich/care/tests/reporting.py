"""What the self-report and alert tests share: the warning-sign rules seeded, people at home under an order of the
Lái Thiêu health station, and readings."""

from datetime import date, datetime, timedelta

import pytest

from phongdich.core import clock
from phongdich.people.models import Person
from phongdich.people.services import person_create
from phongdich.places.models import Facility

from ..choices import OrderKind
from ..models import IsolationOrder, WarningRules
from ..warning_seeds import seed
from .factories import an_order

STATION = "Trạm Y tế Phường Lái Thiêu"


@pytest.fixture
def warning_rules(db):
    """The seeded versions (a transactional test elsewhere may have flushed what the migration stored)."""
    seed(WarningRules)
    return WarningRules.objects.order_by("-effective_from").first()


def station() -> Facility:
    return Facility.objects.get(name=STATION)


def resident(
    world, full_name: str, *, born: date | None = None, group: str = "25966-01", serial: int | None = None, **fields
) -> Person:
    """A woman living in a residential group (Lái Thiêu, Khu phố 1 unless told), born `born` (40 years ago unless
    told), with a CCCD of Bình Dương numbered `serial` when given."""
    born = born or clock.today().replace(month=1, day=1) - timedelta(days=40 * 365)
    if serial is not None:
        fields["id_number"] = cccd(born, serial)
    return person_create(
        actor="test", full_name=full_name, birth_date=born, sex="female", unit=world.unit(group), **fields
    )


def cccd(born: date, serial: int) -> str:
    """A woman's CCCD number of Bình Dương (074): her century and sex, the year's last two digits, a serial."""
    century = 1 if born.year < 2000 else 3
    return f"074{century}{born.year % 100:02d}{serial:06d}"


def at_home(person: Person, kind: str = OrderKind.F0_HOME, *, days_ago: int = 2, **fields) -> IsolationOrder:
    """An active order of the Lái Thiêu station for `person`, begun `days_ago` days ago."""
    return an_order(person, kind=kind, starts_on=clock.today() - timedelta(days=days_ago), facility=station(), **fields)


def minutes_ago(minutes: int) -> datetime:
    return clock.now() - timedelta(minutes=minutes)


NORMAL = {"spo2": 98, "breathing_rate": 16, "pulse": 80, "temperature": "37.2"}
