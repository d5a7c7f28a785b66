"""The province's command reads without a scope filter only while its province is every place the database knows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phongdich.accounts.models import User
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import _always_in_a_unit
from phongdich.labs.models import ResultImport
from phongdich.people.models import Person
from phongdich.people.services import person_create
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit

pytestmark = pytest.mark.django_db


def _persons_sql(username: str) -> str:
    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as queries:
        list(Person.objects.visible_to(user).values_list("pk", flat=True))
    return queries.captured_queries[-1]["sql"]


def _another_province() -> AdminUnit:
    """Đồng Nai (75), as a database holding two provinces would: a second root with a commune under it."""
    province = AdminUnit.objects.create(
        structure=Structure.LEGACY,
        code="75",
        name="Tỉnh Đồng Nai",
        level=UnitLevel.PROVINCE,
        path="legacy:75/",
        depth=0,
    )
    return AdminUnit.objects.create(
        structure=Structure.LEGACY,
        code="26041",
        name="Phường Trảng Dài",
        level=UnitLevel.COMMUNE,
        parent=province,
        path="legacy:75/26041/",
        depth=1,
    )


def test_the_province_command_of_the_only_province_reads_persons_without_a_unit_subquery(world):
    assert "places_adminunit" not in _persons_sql("province_commander")
    assert Person.objects.visible_to(User.objects.get(username="province_commander")).count() == Person.objects.count()


def test_a_commune_officer_still_reads_through_the_unit_subquery(world):
    assert "places_adminunit" in _persons_sql("commune_officer")


def test_a_second_province_in_the_database_brings_the_province_commands_filter_back(world):
    stranger = person_create(actor="test", full_name="Phạm Văn Đức", birth_year=1970, unit=_another_province())
    commander = User.objects.get(username="province_commander")
    assert "places_adminunit" in _persons_sql("province_commander")
    assert not Person.objects.visible_to(commander).filter(pk=stranger.pk).exists()


def test_only_rows_that_always_reach_a_unit_skip_the_filter():
    assert _always_in_a_unit(Person)
    assert _always_in_a_unit(ResultImport)  # lab → facility (one to one) → unit, none of them optional
    assert not _always_in_a_unit(AdminUnit)  # scoped by its path column, not a unit key
    assert not _always_in_a_unit(AuditEvent)  # a path that may be empty
