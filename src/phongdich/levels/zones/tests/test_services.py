"""Declaring, extending and lifting lockdown areas: what each service refuses, with which message, and what it
records in the audit trail."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import unit

from ...models import Zone
from ..services import MAX_ADDRESSES, MAX_POLYGON_POINTS, zone_end, zone_extend
from .world import HIEP_THANH, KP1, KP2, LAI_THIEU, SQUARE, august, days_from_now, declared, officer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_a_district_officer_declares_a_red_zone_of_two_groups_audited_with_its_unit(world):
    zone = declared(units=[unit(KP1), unit(KP2)], polygon=SQUARE, addresses=["  Số 12,  Nguyễn Trãi ", ""])
    assert set(zone.units.values_list("code", flat=True)) == {KP1, KP2}
    assert zone.addresses == ["Số 12, Nguyễn Trãi"] and zone.polygon == SQUARE
    assert zone.created_by == officer() and zone.ended_at is None
    event = AuditEvent.objects.get(object_type="levels.zone", object_id=str(zone.pk), action="create")
    assert event.unit_path == unit(LAI_THIEU).path and sorted(event.after["units"]) == sorted(
        zone.units.values_list("pk", flat=True)
    )


def test_a_zone_whose_planned_end_comes_before_its_start_is_refused_with_a_specific_message(world):
    errors = refusal(lambda: declared(starts_at=august(10, 8), planned_end_at=august(3, 8)))
    assert errors == {
        "planned_end_at": ["The planned end (03/08/2021 08:00) must come after the start (10/08/2021 08:00)."]
    }


def test_a_zone_ending_the_moment_it_starts_is_refused_too(world):
    errors = refusal(lambda: declared(starts_at=august(10), planned_end_at=august(10)))
    assert list(errors) == ["planned_end_at"]


def test_a_zone_with_nothing_inside_is_refused(world):
    errors = refusal(lambda: declared(units=[], addresses=["", "   "], polygon=None))
    assert errors == {"__all__": ["Say what is locked down: units, addresses, or a boundary."]}


def test_units_outside_the_declared_unit_are_refused_by_name(world):
    errors = refusal(lambda: declared(by="province_commander", units=[unit(KP1), unit(f"{HIEP_THANH}-01")]))
    assert errors["units"] == ["These units are not inside Phường Lái Thiêu: Khu phố 1, Phường Hiệp Thành."]


def test_a_commune_officer_cannot_declare_in_or_around_another_commune(world):
    with pytest.raises(OutOfScope):
        declared(by="other_commune")
    with pytest.raises(OutOfScope):  # a unit of theirs inside a unit that is not
        declared(by="other_commune", units=[unit(f"{HIEP_THANH}-01")])


def test_a_commune_officer_declares_a_red_point_of_addresses_in_their_commune(world):
    zone = declared(
        by="commune_officer", kind="red_point", unit=unit(LAI_THIEU), units=[], addresses=["Số 12, Nguyễn Trãi"]
    )
    assert zone.unit == unit(LAI_THIEU) and zone.kind == "red_point"


def test_a_residential_group_cannot_be_the_area_a_zone_is_declared_in_for_it_issues_no_decisions(world):
    errors = refusal(
        lambda: declared(by="commune_officer", kind="red_point", unit=unit(KP1), units=[], addresses=["Số 12 Lê Lợi"])
    )
    assert errors == {
        "unit": [
            "A residential group issues no decisions: declare the area in its commune, with the group among the units "
            "inside or its addresses listed."
        ]
    }
    assert not Zone.objects.exists()


def test_a_province_wide_lockdown_is_refused(world):
    errors = refusal(lambda: declared(by="province_commander", unit=unit("74"), units=[unit(KP1)]))
    assert list(errors) == ["unit"]


def test_address_lists_are_bounded_in_lines_and_length_and_each_line_must_find_someone(world):
    too_many = [f"Số {n}, Nguyễn Trãi" for n in range(MAX_ADDRESSES + 1)]
    assert refusal(lambda: declared(units=[], addresses=too_many)) == {
        "addresses": [f"At most {MAX_ADDRESSES} address lines in one area."]
    }
    errors = refusal(lambda: declared(units=[], addresses=["Số 1, " + "a" * 200, "12", "Hẻm 4 Lê Lợi"]))
    assert errors == {
        "addresses": [
            "Line 1 is longer than 200 characters.",
            "Line 2 (“12”) is too short to find anyone by: write a house number and street, an alley or a building.",
        ]
    }


def test_the_same_address_written_twice_is_kept_once(world):
    zone = declared(units=[], addresses=["Số 12, Nguyễn Trãi", "số 12 nguyễn trãi", "Hẻm 4 Lê Lợi"])
    assert zone.addresses == ["Số 12, Nguyễn Trãi", "Hẻm 4 Lê Lợi"]


def _ring(*points):
    return {"type": "Polygon", "coordinates": [list(map(list, points))]}


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ({"type": "Point", "coordinates": [106.7, 10.9]}, "The boundary must be a GeoJSON Polygon or MultiPolygon."),
        ("not a shape", "The boundary must be a GeoJSON Polygon or MultiPolygon."),
        ({"type": "MultiPolygon", "coordinates": []}, "The boundary must be a GeoJSON Polygon or MultiPolygon."),
        (_ring((106.7, 10.9), (106.8, 10.9), (106.7, 10.9)), "Each ring of the boundary needs four positions or more."),
        (
            _ring((106.7, 10.9), (106.8, 10.9), (106.8, 11.0), (106.7, 11.0)),
            "Each ring of the boundary must end where it starts.",
        ),
        (
            _ring((106.7, 10.9), (106.8, 95.0), (106.8, 11.0), (106.7, 10.9)),
            "Each position is [longitude, latitude] in degrees, as GeoJSON writes them.",
        ),
        (
            _ring((106.7, 10.9), (True, 10.9), (106.8, 11.0), (106.7, 10.9)),
            "Each position is [longitude, latitude] in degrees, as GeoJSON writes them.",
        ),
        (
            _ring(*[(106.7 + n / 1e5, 10.9) for n in range(MAX_POLYGON_POINTS)], (106.7, 10.9)),
            f"The boundary has more than {MAX_POLYGON_POINTS} positions.",
        ),
    ],
)
def test_a_boundary_must_be_a_closed_geojson_polygon_of_bounded_size(world, polygon, message):
    assert refusal(lambda: declared(units=[], polygon=polygon)) == {"polygon": [message]}


def test_a_boundary_drawn_as_a_feature_is_kept_as_its_geometry(world):
    zone = declared(units=[], polygon={"type": "Feature", "properties": {"ten": "Chợ"}, "geometry": SQUARE})
    assert zone.polygon == SQUARE


def test_dates_out_of_any_lockdown_are_refused(world):
    assert list(refusal(lambda: declared(starts_at=august(1).replace(year=2019)))) == ["starts_at"]
    assert list(refusal(lambda: declared(starts_at=days_from_now(45), planned_end_at=days_from_now(60)))) == [
        "starts_at"
    ]
    assert refusal(lambda: declared(starts_at=august(1), planned_end_at=august(1) + timedelta(days=181))) == {
        "planned_end_at": ["A lockdown is planned for at most 180 days at a time; extend it when needed."]
    }


def test_unknown_kinds_and_tests_and_overlong_texts_are_refused_each_on_its_field(world):
    errors = refusal(lambda: declared(kind="curfew", name=" ", leave_test="pcr3", reason="x" * 501, decision="y" * 201))
    assert set(errors) == {"kind", "name", "leave_test", "reason", "decision"}


def test_lifting_before_the_planned_end_is_an_early_ending_and_needs_a_reason(world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    errors = refusal(lambda: zone_end(actor=officer(), zone=zone, ended_at=august(10), end_reason=" "))
    assert errors == {
        "end_reason": ["The lockdown is lifted before its planned end (15/08/2021 00:00): say why it ends early."]
    }
    ended = zone_end(actor=officer(), zone=zone, ended_at=august(10), end_reason="Hai lần xét nghiệm âm tính")
    assert ended.ended_early and ended.end_reason == "Hai lần xét nghiệm âm tính"
    event = AuditEvent.objects.filter(object_type="levels.zone", object_id=str(zone.pk), action="update").get()
    assert event.after["early"] is True and event.unit_path == unit(LAI_THIEU).path


def test_lifting_at_or_after_the_planned_end_needs_no_reason(world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    assert not zone_end(actor=officer(), zone=zone, ended_at=august(16)).ended_early


def test_an_end_before_the_start_is_refused_with_a_specific_message(world):
    zone = declared(starts_at=august(1, 8), planned_end_at=august(15))
    errors = refusal(lambda: zone_end(actor=officer(), zone=zone, ended_at=august(1, 7), end_reason="Nhầm"))
    assert errors == {"ended_at": ["The lockdown cannot end (01/08/2021 07:00) before it starts (01/08/2021 08:00)."]}


def test_an_end_in_the_future_is_refused(world, zone):
    errors = refusal(lambda: zone_end(actor=officer(), zone=zone, ended_at=days_from_now(2), end_reason="Sớm"))
    assert list(errors) == ["ended_at"]


def test_a_lockdown_cannot_be_lifted_twice(world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    zone_end(actor=officer(), zone=zone, ended_at=august(15))
    assert refusal(lambda: zone_end(actor=officer(), zone=zone, ended_at=august(16))) == {
        "__all__": ["This lockdown has already ended."]
    }


def test_a_commune_officer_cannot_end_a_zone_of_another_commune(world, zone):
    with pytest.raises(OutOfScope):
        zone_end(actor=officer("other_commune"), zone=zone, ended_at=days_from_now(0), end_reason="Hết ca")
    with pytest.raises(OutOfScope):
        zone_extend(actor=officer("other_commune"), zone=zone, planned_end_at=days_from_now(20), reason="Còn ca")


def test_the_commune_officer_ends_a_zone_of_their_commune_declared_by_the_district(world, zone):
    ended = zone_end(actor=officer("commune_officer"), zone=zone, ended_at=days_from_now(0), end_reason="Hết ca")
    assert ended.ended_at is not None and ended.ended_early


def test_an_extension_moves_the_planned_end_later_with_its_reason_in_the_audit_trail(world, zone):
    later = zone.planned_end_at + timedelta(days=7)
    zone_extend(actor=officer(), zone=zone, planned_end_at=later, reason="Còn ca mắc mới trong khu phong tỏa")
    zone.refresh_from_db()
    assert zone.planned_end_at == later
    event = AuditEvent.objects.get(object_type="levels.zone", object_id=str(zone.pk), action="update")
    assert event.detail["extension"] == "Còn ca mắc mới trong khu phong tỏa"


def test_an_extension_keeps_the_domains_time_it_was_recorded_on_beside_the_audits_own(world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    clock.use(date(2021, 8, 12))  # a demo shows the outbreak's days; the audit keeps the machine's time
    zone_extend(actor="demo", zone=zone, planned_end_at=august(22), reason="Còn ca mắc mới")
    event = AuditEvent.objects.get(object_type="levels.zone", object_id=str(zone.pk), action="update")
    assert event.detail["recorded_at"].startswith("2021-08-12") and event.at.year > 2021


def test_an_extension_that_is_not_later_or_says_no_reason_is_refused(world, zone):
    errors = refusal(lambda: zone_extend(actor=officer(), zone=zone, planned_end_at=zone.planned_end_at, reason=""))
    assert set(errors) == {"planned_end_at", "reason"}
    errors = refusal(
        lambda: zone_extend(actor=officer(), zone=zone, planned_end_at=days_from_now(400), reason="Còn ca")
    )
    assert list(errors) == ["planned_end_at"]


def test_an_ended_lockdown_cannot_be_extended(world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    zone_end(actor=officer(), zone=zone, ended_at=august(15))
    errors = refusal(lambda: zone_extend(actor=officer(), zone=zone, planned_end_at=august(20), reason="Còn ca"))
    assert errors == {"__all__": ["This lockdown has already ended: declare a new one."]}
