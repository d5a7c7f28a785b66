"""Published levels for the map's tests: assessments of weeks of October 2021 over Bình Dương's province, districts
and communes (and residential groups when asked), written straight into the tables as the assessment engine would
leave them once published."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation

from phongdich.levels.choices import AssessmentStatus, Outcome, ResultStatus
from phongdich.levels.models import Assessment, LevelResult, LevelRules
from phongdich.places.choices import Structure
from phongdich.places.models import AdminUnit

WEEK = date(2021, 10, 11)  # the Monday of the week Resolution 128 was issued
NEXT_WEEK = date(2021, 10, 18)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
LAI_THIEU, HIEP_THANH, AN_PHU = "25966", "25741", "25975"


def published(
    monday: date = WEEK,
    levels: dict[str, int | None] | None = None,
    *,
    default: int = 1,
    groups: bool = False,
    status: str = AssessmentStatus.PUBLISHED,
    no_population: tuple[str, ...] = (),
) -> Assessment:
    """An assessment of the week from `monday`, published on the Monday after at 18:00 and in effect from the
    Tuesday at 0:00, with every unit's level: `levels` by unit code, else `default` (residential groups too,
    when `groups`); the units in `no_population` have none."""
    levels = levels or {}
    published_at = datetime.combine(monday + timedelta(days=7), datetime.min.time(), HANOI) + timedelta(hours=18)
    effective_at = published_at + timedelta(hours=6)
    is_published = status == AssessmentStatus.PUBLISHED
    assessment = Assessment.objects.create(
        rules=LevelRules.objects.get(code="4800"),
        week=monday,
        assessed_on=monday + timedelta(days=7),
        status=status,
        published_at=published_at if is_published else None,
        effective_at=effective_at if is_published else None,
    )
    units = AdminUnit.objects.filter(structure=Structure.LEGACY, depth__lte=3 if groups else 2)
    LevelResult.objects.bulk_create(
        [
            LevelResult(
                assessment=assessment,
                unit=unit,
                unit_path=unit.path,
                depth=unit.depth,
                outcome=Outcome.NO_POPULATION if unit.code in no_population else Outcome.ASSESSED,
                proposed_level=None if unit.code in no_population else levels.get(unit.code, default),
                level=None if unit.code in no_population or not is_published else levels.get(unit.code, default),
                status=ResultStatus.PUBLISHED if is_published else ResultStatus.PROPOSED,
                effective_at=effective_at if is_published else None,
            )
            for unit in units
        ]
    )
    return assessment


def square(lon: float, lat: float, side: float = 0.02) -> dict:
    """A square boundary (GeoJSON Polygon) with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def boundaries_for_every_commune() -> None:
    """A made-up boundary for each of the province's communes: squares on a grid around Thủ Dầu Một."""
    communes = list(AdminUnit.objects.filter(structure=Structure.LEGACY, depth=2).order_by("code"))
    for index, commune in enumerate(communes):
        commune.geometry = square(106.5 + (index % 10) * 0.02, 10.9 + (index // 10) * 0.02)
    AdminUnit.objects.bulk_update(communes, ["geometry"])


def vi(message: str, **values) -> str:
    """A message as a Vietnamese page shows it, with its values."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % values if values else text
