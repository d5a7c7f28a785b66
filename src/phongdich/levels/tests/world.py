"""A small province for the level tests: populations for the test world's units, and community cases in Phường Lái
Thiêu during the week of 11–17/10/2021, the first week Decision 4800 was in force."""

from datetime import date, datetime, time

from django.utils import timezone

from phongdich.core.testing import unit
from phongdich.people.services import person_create
from phongdich.places.choices import PopulationSource, Structure
from phongdich.places.models import Population
from phongdich.places.services import population_rollup
from phongdich.surveillance.choices import DetectionSetting
from phongdich.surveillance.services import case_confirm

ASSESSED_ON = date(2021, 10, 18)  # a Monday: the week read is 11–17/10/2021
WEEK = date(2021, 10, 11)
YEAR = 2021
COMMUNES = ("25966", "25741", "25963")
NAMES = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Giang"]


def moment(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build_levels_world(actor, community_cases: int = 6) -> None:
    """10,000 people in each of the three communes (5,000 per residential group); `community_cases` cases in
    Lái Thiêu's Khu phố 1 on 13/10/2021 and one case found in quarantine, which does not count."""
    for code in COMMUNES:
        for group in ("01", "02"):
            Population.objects.create(
                unit=unit(f"{code}-{group}"),
                year=YEAR,
                total=5_000,
                age_18_plus=3_500,
                age_65_plus=400,
                age_12_17=450,
                age_5_11=500,
                source=PopulationSource.IMPORTED,
            )
    population_rollup(year=YEAR, structure=Structure.LEGACY)
    for number in range(community_cases + 1):
        person = person_create(
            actor=actor,
            full_name=NAMES[number % len(NAMES)],
            birth_year=1980 + number,
            sex="male",
            unit=unit("25966-01"),
        )
        case_confirm(
            actor=actor,
            person=person,
            confirmed_at=moment(date(2021, 10, 13)),
            confirmation_test="rt_pcr",
            detection_setting=DetectionSetting.COMMUNITY if number else DetectionSetting.QUARANTINE,
        )
