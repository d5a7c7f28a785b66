"""Rule versions rest on real documents: each version cites the documents it comes from, with their dates."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from phongdich.labs.models import TestingRules
from phongdich.surveillance.models import TracingRules
from phongdich.surveillance.services import tracing_rules_add
from phongdich.vaccination.models import VaccinationRules

RULE_SETS = [TracingRules, TestingRules, VaccinationRules]
CITED_DATE = re.compile(r"\((?:(\d{1,2})/)?(\d{1,2})/(\d{4})\)")  # "(30/7/2021)" or "(12/2021)"


def cited_dates(document: str) -> list[date]:
    """The dates a citation writes in brackets; a month alone stands for its first day."""
    return [date(int(year), int(month), int(day or 1)) for day, month, year in CITED_DATE.findall(document)]


@pytest.mark.django_db
@pytest.mark.parametrize("model", RULE_SETS, ids=lambda model: model.__name__)
def test_no_rule_version_cites_a_document_dated_after_it_takes_effect(model):
    versions = list(model.objects.values_list("effective_from", "document_date", "source_document"))
    assert versions
    for effective_from, document_date, document in versions:
        assert document_date is not None and document_date <= effective_from, document
        assert all(cited <= effective_from for cited in cited_dates(document)), document


@pytest.mark.django_db
def test_the_tracing_rules_of_1909_byt_dp_take_effect_on_15_april_2022():
    from phongdich.surveillance.selectors import rules_in_force

    assert "1909/BYT-DP" in rules_in_force(date(2022, 4, 15)).source_document
    assert "11042/BYT-DP" in rules_in_force(date(2022, 1, 10)).source_document
    assert "3638/QĐ-BYT" in rules_in_force(date(2021, 8, 1)).source_document


def test_a_new_version_resting_on_a_later_document_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        tracing_rules_add(
            actor=world.user("system_admin"),
            effective_from=date(2022, 1, 1),
            source_document="Công văn 1265/BYT-DP (3/2022)",
            document_date=date(2022, 3, 10),
        )
    assert "document_date" in refused.value.message_dict
