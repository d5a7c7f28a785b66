"""Shared pieces of the order tests: rule versions with dates relative to today, a household, a concentrated site
with its places. Rows are written straight to the tables (the services under test have their own checks)."""

from datetime import date, timedelta

from phongdich.core import clock
from phongdich.people.models import Household, Person
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from ..choices import OrderKind, ReleaseTest
from ..models import EligibilityRules, IsolationRules, SiteCapacity

F1_HOME_ROWS = {
    "none": {"days": 7, "monitor_days": 3, "test_days": [7], "test": ReleaseTest.ANTIGEN},
    "vaccinated": {"days": 5, "monitor_days": 5, "test_days": [5], "test": ReleaseTest.ANTIGEN},
    "recovered": {"days": 5, "monitor_days": 5, "test_days": [5], "test": ReleaseTest.ANTIGEN},
}
F1_SITE_ROWS = {"none": {"days": 14, "monitor_days": 14, "test_days": [1, 7, 14], "test": ReleaseTest.RT_PCR}}
F0_HOME_ROWS = {"none": {"days": 7, "monitor_days": 0, "test_days": [7], "test": ReleaseTest.ANTIGEN}}
DOCUMENT = "Công văn 762/BYT-DP (thử nghiệm)"

# Criteria as 261/QĐ-BYT words them, with the age band of 4038/QĐ-BYT, for the tests to fail one at a time.
CRITERIA = [
    {"code": "symptoms_at_most", "severity": "mild"},
    {"code": "breathing_below", "value": 20, "by_age": [{"from_age": 1, "below_age": 5, "value": 40}]},
    {"code": "spo2_above", "value": 96},
    {"code": "age_between", "from_years": 1, "below_years": 50, "unless_vaccinated": True},
    {"code": "chronic_stable"},
    {"code": "not_pregnant"},
]
WELL = {"state": "mild", "breathing_rate": 18, "spo2": 98}


def isolation_rules(days_ago: int = 30, durations: dict | None = None, **fields) -> IsolationRules:
    """A version in force from `days_ago` days before today: F1 home 7 days (5 when vaccinated or recovered),
    F1 at a site 14 days, F0 at home 7 days, unless told."""
    on = clock.today() - timedelta(days=days_ago)
    defaults = {
        "source_document": DOCUMENT,
        "document_date": on,
        "durations": durations
        if durations is not None
        else {OrderKind.F1_HOME: F1_HOME_ROWS, OrderKind.F1_SITE: F1_SITE_ROWS, OrderKind.F0_HOME: F0_HOME_ROWS},
        **fields,
    }
    rules, _created = IsolationRules.objects.update_or_create(effective_from=on, defaults=defaults)
    return rules


def eligibility_rules(criteria: list | None = None, days_ago: int = 30) -> EligibilityRules:
    on = clock.today() - timedelta(days=days_ago)
    rules, _created = EligibilityRules.objects.update_or_create(
        effective_from=on,
        defaults={
            "source_document": "Quyết định 261/QĐ-BYT (thử nghiệm)",
            "document_date": on,
            "criteria": criteria or CRITERIA,
        },
    )
    return rules


def household_of(*people: Person, address: str = "12 đường Nguyễn Trãi, khu phố 1") -> Household:
    household = Household.objects.create(code=f"HGD-{people[0].pk}", unit=people[0].unit, address=address)
    Person.objects.filter(pk__in=[person.pk for person in people]).update(household=household)
    for person in people:
        person.household = household
    return household


def a_site(places: int | None, name: str = "Khu cách ly tập trung Ký túc xá Đại học Thủ Dầu Một") -> Facility:
    from phongdich.places.models import AdminUnit

    site = Facility.objects.create(
        name=name,
        kind=FacilityKind.ISOLATION_SITE,
        unit=AdminUnit.objects.get(code="25966"),
        address="Số 6 Trần Văn Ơn",
    )
    if places is not None:
        SiteCapacity.objects.create(site=site, places=places)
    return site


def born(years: int) -> date:
    """A birth date that makes a person `years` old today (their birthday was yesterday)."""
    today = clock.today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - timedelta(days=1)
