"""Who lives inside a lockdown area (by its units, by its addresses), which areas are in force and cover a unit,
the figures of a set of areas (early endings, durations, residents), and the residents' test to leave."""

from datetime import timedelta

import pytest

from phongdich.core.testing import unit
from phongdich.labs.services import Reading, sample_register, sample_result_record

from ...models import Zone
from ..selectors import (
    AddressMatcher,
    leave_test_progress,
    open_zones,
    rounds_over,
    zone_figures,
    zone_residents,
    zones_covering,
)
from ..services import zone_end
from .world import HIEP_THANH, KP1, KP2, LAI_THIEU, august, days_from_now, declared, officer, resident

pytestmark = pytest.mark.django_db


def names(people) -> set[str]:
    return set(people.values_list("full_name", flat=True))


def test_the_residents_of_a_zone_of_units_are_everyone_registered_in_their_subtrees(world):
    zone = declared(units=[unit(KP1)])
    assert names(zone_residents(zone)) == {"Nguyễn Thị Hằng", "Đỗ Văn Tâm", "Lý Thị Thu"}
    whole = declared(units=[unit(LAI_THIEU)])
    assert "Phan Văn Lộc" in names(zone_residents(whole)) and "Lê Hoàng Phúc" not in names(zone_residents(whole))


def test_the_residents_of_an_address_list_are_those_of_its_unit_living_at_one_of_its_lines(world):
    resident("Võ Thị Hoa", KP1, "Số 12, Nguyễn Trãi")
    resident("Trương Văn Khoa", KP2, "số 12 nguyễn trãi, khu phố 2")  # written without accents or commas
    resident("Đặng Thị Lan", KP1, "Số 125, Nguyễn Trãi")  # another house
    resident("Hồ Văn Sơn", KP1, "Số 3, hẻm 45 Lê Lợi")  # a house of the alley
    resident("Lâm Thị Mỹ", f"{HIEP_THANH}-01", "Số 12, Nguyễn Trãi")  # the same address in another ward
    zone = declared(kind="red_point", units=[], addresses=["Số 12, Nguyễn Trãi", "Hẻm 45 Lê Lợi"])
    assert names(zone_residents(zone)) == {"Võ Thị Hoa", "Trương Văn Khoa", "Hồ Văn Sơn"}


def test_an_address_is_also_found_through_the_household_it_belongs_to(world):
    from phongdich.people.models import Household

    home = Household.objects.create(code="LT-KP1-0012", unit=unit(KP1), address="Số 12, Nguyễn Trãi")
    resident("Võ Văn Tài", KP1, household=home)
    zone = declared(kind="red_point", units=[], addresses=["Số 12 Nguyễn Trãi"])
    assert names(zone_residents(zone)) == {"Võ Văn Tài"}


def test_address_lines_match_whole_words_in_order():
    matcher = AddressMatcher(["Số 12, Nguyễn Trãi", "Chung cư Bình Minh"])
    assert matcher.matches("12 Nguyễn Trãi", "Số 12 Nguyễn Trãi, Lái Thiêu")
    assert not matcher.matches("Số 112, Nguyễn Trãi", "Số 12, Trần Hưng Đạo", "Nguyễn Trãi số 12")
    assert matcher.matches("Phòng 1204, Chung cư Bình Minh")


def test_a_boundary_alone_puts_nobody_inside(world):
    from .world import SQUARE

    assert not zone_residents(declared(units=[], polygon=SQUARE)).exists()


def test_open_zones_are_those_started_and_not_yet_ended_at_the_time_asked(world, zone):
    ended = declared(starts_at=august(1), planned_end_at=august(15))
    zone_end(actor=officer(), zone=ended, ended_at=august(12), end_reason="Hết ca mắc")
    later = declared(starts_at=days_from_now(2), planned_end_at=days_from_now(16))
    assert set(open_zones()) == {zone}
    assert set(open_zones(at=august(10))) == {ended}
    assert later not in open_zones(at=days_from_now(1)) and later in open_zones(at=days_from_now(3))


def test_zones_covering_a_unit_hold_it_or_an_ancestor_or_lie_in_it(world, zone):
    whole = declared(units=[unit(LAI_THIEU)])
    point = declared(kind="red_point", units=[], addresses=["Số 3 Lê Lợi"])
    assert set(zones_covering(unit(KP1))) == {zone, whole}
    assert set(zones_covering(unit(KP2))) == {whole}
    assert set(zones_covering(unit(LAI_THIEU))) == {zone, whole, point}  # lying in the ward
    assert not zones_covering(unit(f"{HIEP_THANH}-01")).exists()


def test_the_figures_count_early_endings_and_durations_of_the_ended_and_residents_of_the_open(
    world, zone, django_assert_max_num_queries
):
    for end_day, planned_day in ((11, 15), (15, 15), (21, 15)):  # 10 days early, 14 on time, 20 after an overrun
        ended = declared(starts_at=august(1), planned_end_at=august(planned_day))
        zone_end(actor=officer(), zone=ended, ended_at=august(end_day), end_reason="Hết ca mắc")
    declared(starts_at=days_from_now(-20), planned_end_at=days_from_now(-6))  # in force past its planned end
    declared(units=[unit(LAI_THIEU)], starts_at=days_from_now(3), planned_end_at=days_from_now(17))
    resident("Võ Thị Hoa", KP2, "Số 12, Nguyễn Trãi")
    declared(kind="red_point", units=[], addresses=["Số 12, Nguyễn Trãi", "Số 1, Đường số 5"])
    with django_assert_max_num_queries(4):
        figures = zone_figures(Zone.objects.all())
    assert (figures.open, figures.overdue, figures.planned) == (3, 1, 1)
    assert (figures.ended, figures.ended_early) == (3, 1) and figures.early_share == pytest.approx(1 / 3)
    assert figures.median_days == 14 and figures.mean_days == pytest.approx((10 + 14 + 20) / 3)
    assert figures.residents == 4  # Khu phố 1's three, counted once for two zones, and Hoa of Khu phố 2


def test_the_figures_of_no_zone_are_empty(world):
    figures = zone_figures(Zone.objects.none())
    assert (figures.open, figures.ended, figures.residents, figures.median_days) == (0, 0, 0, None)


def _antigen(person, hours_ago: float, result: str | None = None):
    taken = days_from_now(0) - timedelta(hours=hours_ago)
    sample = sample_register(actor="test", person=person, kind="antigen", sampled_at=taken)
    if result:
        sample_result_record(actor="test", sample=sample, reading=Reading(result, taken + timedelta(minutes=20)))
    return sample


def test_the_test_to_leave_counts_the_residents_samples_of_that_test_since_the_start(world):
    zone = declared(leave_test="rapid")
    hang, tam, thu = (world.person(name, LAI_THIEU) for name in ("Nguyễn Thị Hằng", "Đỗ Văn Tâm", "Lý Thị Thu"))
    _antigen(hang, 24, "negative")
    _antigen(tam, 2)  # waiting for a result
    _antigen(thu, 24 * 5, "negative")  # before the zone started: it does not count
    progress = leave_test_progress(zone)
    assert (progress.residents, progress.negative, progress.waiting, progress.positive) == (3, 1, 1, 0)
    assert progress.not_sampled == 1 and progress.still_to_test == 2
    assert leave_test_progress(declared(leave_test="")) is None


def test_the_pcr_test_to_leave_does_not_count_a_rapid_test(world):
    zone = declared(leave_test="pcr")
    _antigen(world.person("Nguyễn Thị Hằng", LAI_THIEU), 24, "negative")
    assert leave_test_progress(zone).negative == 0


def test_the_rounds_over_a_zone_are_those_of_its_area_while_it_is_in_force(world, zone):
    from phongdich.labs.services import round_create

    lai_thieu_round = round_create(
        actor="test", name="Xét nghiệm toàn dân đợt 2", unit=unit(LAI_THIEU), starts_on=days_from_now(1).date(),
        ends_on=days_from_now(2).date(),
    )  # fmt: skip
    round_create(
        actor="test", name="Hiệp Thành", unit=unit(HIEP_THANH), starts_on=days_from_now(1).date(),
        ends_on=days_from_now(2).date(),
    )  # fmt: skip
    round_create(
        actor="test", name="Sau phong tỏa", unit=unit(KP1).parent, starts_on=days_from_now(30).date(),
        ends_on=days_from_now(31).date(),
    )  # fmt: skip
    assert lai_thieu_round in rounds_over(zone, officer("province_commander"))
    assert {r.name for r in rounds_over(zone, officer("province_commander"))} >= {"Xét nghiệm toàn dân đợt 2"}
    assert not {"Hiệp Thành", "Sau phong tỏa"} & {r.name for r in rounds_over(zone, officer("province_commander"))}
