"""Rules and targets are data: versions of the rules with their document, targets set for an area."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phongdich.core.models import AuditEvent
from phongdich.vaccination.models import VaccinationRules, VaccinationTarget
from phongdich.vaccination.selectors import rules_in_force
from phongdich.vaccination.services import target_add, vaccination_rules_add


def test_the_administrator_adds_a_version_and_doses_after_it_follow_it(world):
    vaccination_rules_add(
        actor=world.user("system_admin"),
        effective_from=date(2022, 3, 1),
        source_document="Công văn 1535/BYT-DP (3/2022): mũi nhắc lại sau 4 tháng",
        document_date=date(2022, 3, 1),
        booster_min_days=120,
        certificate_valid_days=365,
        front_line_occupations=["Nhân viên y tế"],
    )
    assert rules_in_force(date(2022, 3, 2)).booster_min_days == 120
    assert rules_in_force(date(2021, 12, 1)).booster_min_days == 90
    assert AuditEvent.objects.filter(object_type="vaccination.vaccinationrules", action="create").exists()


def test_only_a_province_level_administrator_changes_the_rules_and_a_document_is_cited(world):
    with pytest.raises(PermissionDenied):
        vaccination_rules_add(actor=world.user("commune_officer"), effective_from=date(2022, 3, 1), source_document="x")
    with pytest.raises(ValidationError) as error:
        vaccination_rules_add(
            actor=world.user("system_admin"), effective_from=date(2022, 3, 1), source_document=" ", booster_min_days=7
        )
    assert set(error.value.message_dict) == {"source_document", "document_date", "booster_min_days"}


def test_the_rules_page_shows_the_versions_and_takes_a_new_one(client_as):
    client = client_as("system_admin")
    assert "10225/BYT-DP" in client.get("/vaccination/rules/").content.decode()
    response = client.post(
        "/vaccination/rules/",
        {
            "effective_from": "2022-03-01",
            "source_document": "Công văn 1535/BYT-DP",
            "document_date": "2022-02-28",
            "booster_min_days": 120,
            "certificate_valid_days": 365,
            "front_line_occupations": "Nhân viên y tế\nCông an\n",
            "weight_priority": 3,
            "weight_other": 1,
            "weight_awaiting": 2,
        },
    )
    assert response.status_code == 302
    assert VaccinationRules.objects.get(effective_from=date(2022, 3, 1)).front_line_occupations == [
        "Nhân viên y tế",
        "Công an",
    ]


def test_a_district_officer_sets_a_target_for_their_district_on_the_coverage_page(client_as, world):
    thuan_an = world.unit("25966").parent
    response = client_as("district_officer").post(
        f"/vaccination/units/{thuan_an.pk}/",
        {
            "indicator": "one_dose",
            "population": "65+",
            "percent": "100",
            "deadline": "2021-10-31",
            "source_document": "Kế hoạch của UBND thành phố Thuận An",
        },
    )
    assert response.status_code == 302
    assert VaccinationTarget.objects.filter(unit=thuan_an, population="65+").exists()


def test_a_target_outside_the_jurisdiction_or_above_100_percent_is_refused(world):
    from decimal import Decimal

    from phongdich.core.scoping import OutOfScope

    kwargs = {"indicator": "full", "population": "18+", "deadline": date(2021, 12, 31), "source_document": "Chỉ thị"}
    with pytest.raises(OutOfScope):
        target_add(actor=world.user("commune_officer"), unit=world.unit("25741"), percent=Decimal(90), **kwargs)
    with pytest.raises(ValidationError):
        target_add(actor=world.user("commune_officer"), unit=world.unit("25966"), percent=Decimal(120), **kwargs)
