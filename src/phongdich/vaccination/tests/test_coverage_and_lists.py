"""Coverage figures, targets, priority lists, shipments and stock."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from phongdich.core.models import AuditEvent
from phongdich.people.services import person_create
from phongdich.places.models import Facility
from phongdich.vaccination.models import Allocation, CoverageCell, Shipment, VaccineProduct
from phongdich.vaccination.selectors import coverage_of, priority_list, stock, targets_for
from phongdich.vaccination.services import (
    allocation_set,
    coverage_refresh,
    delivery_record,
    dose_record,
    shipment_approve,
    shipment_propose,
)


def test_coverage_counts_residents_and_vaccinated_people_by_age_band(world):
    coverage_refresh(as_of=date(2021, 12, 1))
    lai_thieu = coverage_of(world.unit("25966"))
    # Hằng (35, two doses), Tâm (42), Thu (33), Lộc (52): four adults, one fully vaccinated.
    assert lai_thieu.count("18+", "residents") == 4
    assert (lai_thieu.count("18+", "one_dose"), lai_thieu.count("18+", "full"), lai_thieu.count("18+", "boosted")) == (
        1,
        1,
        0,
    )
    assert lai_thieu.percent("18+", "full") == 25


def test_the_target_is_shown_as_a_gap_in_people(world):
    coverage_refresh(as_of=date(2021, 12, 1))
    unit = world.unit("25966")
    [progress] = targets_for(unit, coverage_of(unit), today=date(2021, 12, 1))
    assert (progress.reached, progress.residents, progress.gap_people, progress.days_left) == (1, 4, 3, 30)


def test_the_coverage_page_shows_the_target_and_the_units_below(client_as, world):
    coverage_refresh()
    page = client_as("district_officer").get(f"/vaccination/units/{world.unit('25966').pk}/").content.decode()
    assert "Khu phố 1" in page and "100" in page and "12/2021" in page


def priority_names(unit) -> list[str]:
    return [person.full_name for person in priority_list(unit, as_of=date(2021, 12, 1))]


def test_the_priority_list_puts_people_over_65_first(world):
    assert priority_names(world.unit("74"))[0] == "Trần Văn Bình"  # born 1956, chronic disease


def test_the_priority_list_leaves_out_someone_once_vaccinated(world):
    officer = world.user("commune_officer")
    mai = person_create(
        actor=officer, full_name="Võ Thị Mai", birth_year=1948, sex="female", unit=world.unit("25966-02")
    )
    assert "Võ Thị Mai" in priority_names(world.unit("74"))
    dose_record(
        actor=officer, person=mai, product=VaccineProduct.objects.get(code="BBIBP-CorV"), given_on=date(2021, 9, 1)
    )
    assert "Võ Thị Mai" not in priority_names(world.unit("74"))


def test_the_priority_list_exports_as_csv_and_the_export_is_audited(client_as, world):
    unit = world.unit("25963")
    response = client_as("province_commander").get(f"/vaccination/units/{unit.pk}/priority/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffKhu dân cư,Ưu tiên,") and "Trần Văn Bình" in text and "1956" in text
    assert AuditEvent.objects.filter(action="export", detail__list="priority").exists()


def test_a_shipment_is_split_in_proportion_to_need_and_adds_up(world):
    province = world.unit("74")
    shipment = shipment_propose(
        actor=world.user("province_commander"),
        product=VaccineProduct.objects.get(code="BBIBP-CorV"),
        doses=10_001,
        received_on=date(2021, 9, 1),
        unit=province,
    )
    allocations = list(shipment.allocations.all())
    assert sum(a.doses for a in allocations) == 10_001
    assert shipment.formula["weights"] == {"priority_unvaccinated": 3, "other_unvaccinated": 1, "awaiting_next_dose": 1}
    biggest = max(allocations, key=lambda a: a.need)
    assert (
        biggest.need
        == 3 * biggest.inputs["priority_unvaccinated"]
        + biggest.inputs["other_unvaccinated"]
        + biggest.inputs["awaiting_next_dose"]
    )


def test_an_edited_split_must_still_add_up_and_an_approved_one_is_frozen(world):
    officer = world.user("district_officer")
    shipment = Shipment.objects.get()
    first, second = list(shipment.allocations.order_by("unit__code"))[:2]
    with pytest.raises(ValidationError):
        allocation_set(actor=officer, shipment=shipment, doses_by_unit={first.unit_id: first.doses + 1})
    allocation_set(
        actor=officer,
        shipment=shipment,
        doses_by_unit={first.unit_id: first.doses + 1, second.unit_id: second.doses - 1},
    )
    assert Allocation.objects.get(pk=first.pk).doses == first.doses + 1
    shipment_approve(actor=officer, shipment=shipment)
    with pytest.raises(ValidationError):
        allocation_set(actor=officer, shipment=shipment, doses_by_unit={first.unit_id: first.doses})


def test_a_split_that_does_not_add_up_says_so_with_vietnamese_grouping(world):
    from django.utils import translation

    shipment = Shipment.objects.get()
    first = shipment.allocations.order_by("unit__code").first()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        allocation_set(
            actor=world.user("district_officer"), shipment=shipment, doses_by_unit={first.unit_id: first.doses + 1}
        )
    grouped = f"{shipment.doses + 1:,}".replace(",", ".")
    assert grouped in refused.value.messages[0] and "," not in refused.value.messages[0]


def test_stock_is_deliveries_less_doses_given(world):
    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    officer = world.user("commune_officer")
    comirnaty = VaccineProduct.objects.get(code="EU/1/20/1528")
    delivery_record(actor=officer, site=site, product=comirnaty, doses=500, delivered_on=date(2021, 8, 1), lot="FF2382")
    with pytest.raises(ValidationError):
        delivery_record(actor=officer, site=site, product=comirnaty, doses=-5, delivered_on=date(2021, 8, 2))
    delivery_record(actor=officer, site=site, product=comirnaty, doses=-5, delivered_on=date(2021, 8, 2), note="Vỡ lọ")
    [row] = stock(Facility.objects.filter(pk=site.pk))
    assert (row["received"], row["given"], row["left"]) == (495, 2, 493)


def test_the_split_uses_the_weights_of_the_rules_in_force_on_the_shipments_date(world):
    from phongdich.vaccination.services import vaccination_rules_add

    vaccination_rules_add(
        actor=world.user("system_admin"),
        effective_from=date(2021, 10, 1),
        source_document="Kế hoạch phân bổ: ưu tiên người chờ mũi 2",
        document_date=date(2021, 9, 28),
        weight_priority=0,
        weight_other=0,
        weight_awaiting=1,
    )
    officer, comirnaty = world.user("province_commander"), VaccineProduct.objects.get(code="EU/1/20/1528")
    before = shipment_propose(
        actor=officer, product=comirnaty, doses=100, received_on=date(2021, 9, 30), unit=world.unit("74")
    )
    after = shipment_propose(
        actor=officer, product=comirnaty, doses=100, received_on=date(2021, 10, 2), unit=world.unit("74")
    )
    assert before.formula["weights"]["priority_unvaccinated"] == 3
    assert after.formula["weights"] == {"priority_unvaccinated": 0, "other_unvaccinated": 0, "awaiting_next_dose": 1}
    assert "0 × unvaccinated priority people" in after.formula["text"]
    # Nobody in the test province awaits a second dose: with no need anywhere the doses are shared evenly.
    shares = [a.doses for a in after.allocations.all()]
    assert sum(shares) == 100 and max(shares) - min(shares) <= 1


def test_the_shipment_page_explains_its_formula_in_vietnamese_and_groups_its_numbers(client_as, world):
    shipment = Shipment.objects.get()
    page = client_as("province_commander").get(f"/vaccination/shipments/{shipment.pk}/").content.decode()
    assert "nhu cầu = 3 × người ưu tiên chưa tiêm" in page and "unvaccinated" not in page
    grouped = f"{shipment.doses:,}".replace(",", ".")
    assert f"× {grouped} ({shipment.received_on:%d/%m/%Y})</h1>" in page


def test_the_coverage_page_groups_the_thousands_of_its_figures(client_as, world):
    coverage_refresh()
    CoverageCell.objects.filter(unit_path__startswith=world.unit("25966").path).update(
        residents=F("residents") + 24_000, one_dose=F("one_dose") + 21_000
    )
    page = client_as("district_officer").get(f"/vaccination/units/{world.unit('25966').pk}/").content.decode()
    assert re.search(r"<td>\d{2}\.\d{3}</td><td>\d{2}\.\d{3} \(", page), "residents and doses written as 24.266"
