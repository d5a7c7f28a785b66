"""The testing lists cost the same few queries with a few rows and with more."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from phongdich.core.testing import unit
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility, Organisation

from .. import services
from ..choices import Result
from ..services import Reading, lab_save, pool_result_record, round_create
from .factories import pooled, residents

_pools = count(1)


def add_pools(world, pools: int = 3, size: int = 4):
    officer = world.user("commune_officer")
    for _ in range(pools):
        pooled(officer, residents(officer, size), barcode=f"LT-QC-{next(_pools):04d}")


def rows(response) -> int:
    return len(response.context["table"].page.object_list)


def test_the_sample_and_pool_lists_cost_the_same_queries_however_many_rows(client_as, world, queries_do_not_grow):
    client = client_as("province_commander")
    for path, bound in (("/testing/samples/", 9), ("/testing/pools/", 7)):
        before, after = queries_do_not_grow(bound, lambda path=path: client.get(path), lambda: add_pools(world))
        assert rows(after) > rows(before)


def test_the_resampling_list_costs_the_same_queries_however_many_tasks(client_as, world, queries_do_not_grow):
    technician = world.user("lab_technician")

    def positive_pool():
        officer = world.user("commune_officer")
        pool = pooled(officer, residents(officer, 4), barcode=f"LT-QC-{next(_pools):04d}")
        reading = Reading(Result.POSITIVE, timezone.now() - timedelta(hours=1), ct_n=Decimal("24.5"))
        pool_result_record(actor=technician, pool=pool, reading=reading)

    client = client_as("commune_officer")
    positive_pool()
    before, after = queries_do_not_grow(7, lambda: client.get("/testing/resampling/"), positive_pool)
    assert rows(after) > rows(before)


def test_the_round_list_costs_the_same_queries_however_many_rounds(client_as, world, queries_do_not_grow):
    def add_rounds():
        today = timezone.localdate()
        for code in ("25966", "25963", "25741"):
            round_create(
                actor=world.user("province_commander"),
                name="Đợt bổ sung",
                unit=unit(code),
                starts_on=today,
                ends_on=today,
            )

    client = client_as("province_commander")
    before, after = queries_do_not_grow(7, lambda: client.get("/testing/rounds/"), add_rounds)
    assert rows(after) > rows(before)


def test_the_lab_list_costs_the_same_queries_however_many_labs(client_as, world, queries_do_not_grow):
    def add_labs():
        for name in ("Phòng xét nghiệm Bệnh viện Đa khoa tỉnh", "Phòng xét nghiệm Trung tâm Y tế Thuận An"):
            facility = Facility.objects.create(name=name, kind=FacilityKind.LAB, unit=unit("25966"))
            lab_save(actor="test", facility=facility, daily_capacity=2_000)

    client = client_as("province_commander")
    add_pools(world, pools=1)
    before, after = queries_do_not_grow(10, lambda: client.get("/testing/labs/"), add_labs)
    assert len(after.context["loads"]) == len(before.context["loads"]) + 2


def test_the_organisation_list_costs_the_same_queries_however_many_plans(client_as, world, queries_do_not_grow):
    def add_plans():
        for name in ("Công ty TNHH Điện tử Sóng Thần", "Công ty CP Gỗ Thuận An", "Công ty TNHH May Lái Thiêu"):
            organisation = Organisation.objects.create(name=name, unit=unit("25966"))
            services.testing_plan_save(
                actor=world.user("district_officer"),
                organisation=organisation,
                every_days=7,
                responsible="Giám đốc Nguyễn Văn Hùng",
                starts_on=timezone.localdate(),
            )

    client = client_as("district_officer")
    before, after = queries_do_not_grow(5, lambda: client.get("/testing/organisations/"), add_plans)
    assert len(after.context["rows"]) == len(before.context["rows"]) + 3


def test_the_sample_api_list_costs_the_same_queries_however_many_samples(api_as, world, queries_do_not_grow):
    client = api_as("commune_officer")

    def samples():
        return client.get("/api/v1/testing/samples").json()

    before, after = queries_do_not_grow(2, samples, lambda: add_pools(world))
    assert len(after["items"]) > len(before["items"])
