"""What the dashboard shows for a unit and a day, read from the daily figures: the day's figures against the day
before, the week's trend, the running totals, 60 days of series for the charts and the units below with their week
and their epidemic level. Nothing here counts raw rows."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from phongdich.core import clock
from phongdich.core.scoping import scope_of
from phongdich.levels.choices import AssessmentStatus
from phongdich.levels.models import Assessment, LevelResult
from phongdich.places.models import AdminUnit

from . import charts
from .figures import midnight
from .models import DailyFigures
from .selectors import Row, figures_cumulative, figures_series

SEE_FIGURES = "command.view_dailyfigures"
CHART_DAYS = 60
SETTINGS = (
    ("cases_community", "#c62828"),
    ("cases_screening", "#ef6c00"),
    ("cases_isolated", "#1565c0"),
    ("cases_imported", "#6a1b9a"),
)
TIERS = (1, 2, 3)


def setting_labels() -> dict[str, str]:
    return {
        "cases_community": _("In the community"),
        "cases_screening": _("At screening (checkpoints, hospitals)"),
        "cases_isolated": _("In quarantine or lockdown"),
        "cases_imported": _("Arrived from elsewhere"),
    }


def unit_for(user, unit_id: str | int | None, *, permission: str = SEE_FIGURES) -> AdminUnit:
    """The unit asked for, if the user may see its figures (404 otherwise, as for a unit that does not exist); the
    user's widest unit when none is asked for."""
    scope = scope_of(user, permission)
    if unit_id in (None, ""):
        paths = sorted(scope.unit_paths, key=len) if not scope.everywhere else [AdminUnit.root_path()]
        found = AdminUnit.objects.filter(path=paths[0]).first() if paths else None
    else:
        found = AdminUnit.objects.filter(pk=int(unit_id)).first() if str(unit_id).isdigit() else None
        if found is not None and not scope.covers_path(found.path):
            found = None
    if found is None:
        raise Http404
    return found


def default_day() -> date:
    """Yesterday: the last whole day, what the 7:00 briefing reads."""
    return clock.today() - timedelta(days=1)


@dataclass
class Child:
    unit: AdminUnit
    day: Row
    week_cases: int
    week_community: int
    level: int | None

    @property
    def cases(self) -> int:
        return _cases(self.day)

    @property
    def under_care(self) -> int:
        return _under_care(self.day)


@dataclass
class Dashboard:
    unit: AdminUnit
    day: date
    today: Row
    yesterday: Row
    cumulative: Row
    series: list[tuple[date, Row]]
    children: list[Child] = field(default_factory=list)
    ancestors: list[AdminUnit] = field(default_factory=list)

    @property
    def new_cases(self) -> int:
        return _cases(self.today)

    @property
    def new_cases_before(self) -> int:
        return _cases(self.yesterday)

    @property
    def week_cases(self) -> int:
        return sum(_cases(row) for _day, row in self.series[-7:])

    @property
    def previous_week_cases(self) -> int:
        return sum(_cases(row) for _day, row in self.series[-14:-7])

    @property
    def week_change(self) -> Decimal | None:
        if not self.previous_week_cases:
            return None
        return _round(Decimal(100) * (self.week_cases - self.previous_week_cases) / self.previous_week_cases)

    @property
    def positivity(self) -> Decimal | None:
        return _share(self.today["positives"], self.today["tests"])

    @property
    def week_positivity(self) -> Decimal | None:
        tests = sum(row["tests"] for _day, row in self.series[-7:])
        return _share(sum(row["positives"] for _day, row in self.series[-7:]), tests)

    @property
    def under_care(self) -> int:
        return _under_care(self.today)

    @property
    def beds(self) -> list[dict]:
        return [
            {
                "tier": tier,
                "patients": self.today[f"f0_tier{tier}"],
                "beds": self.today[f"beds_tier{tier}"],
                "percent": _share(self.today[f"f0_tier{tier}"], self.today[f"beds_tier{tier}"]),
            }
            for tier in TIERS
        ]

    @property
    def one_dose_percent(self) -> Decimal | None:
        return _share(self.today["one_dose"], self.today["residents"])

    @property
    def full_percent(self) -> Decimal | None:
        return _share(self.today["fully_vaccinated"], self.today["residents"])

    def epicurve(self) -> str:
        days = [day for day, _row in self.series]
        labels = setting_labels()
        stacks = [
            charts.Series(labels[name], colour, [row[name] for _d, row in self.series]) for name, colour in SETTINGS
        ]
        average = charts.Series(_("7-day average"), "#212121", self.moving_average())
        return charts.bars(_("New cases by where they were found"), days, stacks, average)

    def testing_chart(self) -> str:
        days = [day for day, _row in self.series]
        stacks = [
            charts.Series(_("Negative"), "#90a4ae", [row["tests"] - row["positives"] for _d, row in self.series]),
            charts.Series(_("Positive"), "#c62828", [row["positives"] for _d, row in self.series]),
        ]
        positivity = charts.Series(
            _("Positivity (%)"), "#212121", [self._percent(row, "positives", "tests") for _d, row in self.series]
        )
        top = max((float(value) for value in positivity.values if value is not None), default=10)
        return charts.bars(_("Tests and positivity"), days, stacks, positivity, line_max=max(top, 10))

    def coverage_chart(self) -> str:
        days = [day for day, _row in self.series]
        return charts.lines(
            _("Vaccination coverage of residents"),
            days,
            [
                charts.Series(
                    _("At least one dose"),
                    "#2e7d32",
                    [self._percent(row, "one_dose", "residents") for _d, row in self.series],
                ),
                charts.Series(
                    _("Fully vaccinated"),
                    "#1565c0",
                    [self._percent(row, "fully_vaccinated", "residents") for _d, row in self.series],
                ),
            ],
        )

    def beds_chart(self) -> str:
        days = [day for day, _row in self.series]
        colours = {1: "#2e7d32", 2: "#ef6c00", 3: "#c62828"}
        return charts.lines(
            _("Bed occupancy by tier"),
            days,
            [
                charts.Series(
                    _("Tier %(tier)s") % {"tier": tier},
                    colours[tier],
                    [self._percent(row, f"f0_tier{tier}", f"beds_tier{tier}") for _d, row in self.series],
                )
                for tier in TIERS
            ],
        )

    def moving_average(self) -> list[float | None]:
        cases = [_cases(row) for _day, row in self.series]
        return [round(sum(cases[max(0, i - 6) : i + 1]) / 7, 1) if i >= 6 else None for i in range(len(cases))]

    @staticmethod
    def _percent(row: Row, part: str, whole: str) -> float | None:
        share = _share(row[part], row[whole])
        return float(share) if share is not None else None


def dashboard_for(user, unit: AdminUnit, day: date) -> Dashboard:
    series = figures_series(unit, day - timedelta(days=CHART_DAYS - 1), day)
    board = Dashboard(
        unit=unit,
        day=day,
        today=series[-1][1],
        yesterday=series[-2][1],
        cumulative=figures_cumulative(unit, day),
        series=series,
        ancestors=_visible_ancestors(user, unit),
    )
    board.children = _children(unit, day)
    return board


def _children(unit: AdminUnit, day: date) -> list[Child]:
    children = list(AdminUnit.objects.filter(parent=unit).order_by("name"))
    if not children:
        return []
    rows = {
        row.pop("unit_id"): row
        for row in DailyFigures.objects.filter(unit__in=children, day=day).values("unit_id", *DailyFigures.COUNTS)
    }
    week: dict[int, Any] = {
        row["unit_id"]: row
        for row in DailyFigures.objects.filter(unit__in=children, day__gt=day - timedelta(days=7), day__lte=day)
        .values("unit_id")
        .annotate(**{name: Sum(name) for name, _colour in SETTINGS})
        .order_by()
    }
    levels = _levels_in_effect(children, day)
    zeros = dict.fromkeys(DailyFigures.COUNTS, 0)
    return [
        Child(
            unit=child,
            day=rows.get(child.pk) or zeros,
            week_cases=sum((week.get(child.pk) or {}).get(name) or 0 for name, _colour in SETTINGS),
            week_community=(week.get(child.pk) or {}).get("cases_community") or 0,
            level=levels.get(child.pk),
        )
        for child in children
    ]


def _levels_in_effect(units: list[AdminUnit], day: date) -> dict[int, int | None]:
    """Each unit's level in the latest published assessment in effect by the end of the day."""
    end = midnight(day + timedelta(days=1))
    latest = (
        Assessment.objects.filter(status=AssessmentStatus.PUBLISHED, effective_at__lt=end)
        .order_by("-effective_at", "-id")
        .first()
    )
    if latest is None:
        return {}
    return dict(LevelResult.objects.filter(assessment=latest, unit__in=units).values_list("unit_id", "level"))


def _visible_ancestors(user, unit: AdminUnit) -> list[AdminUnit]:
    scope = scope_of(user, SEE_FIGURES)
    paths = [path for path in unit.ancestor_paths() if scope.covers_path(path)]
    return list(AdminUnit.objects.filter(path__in=paths).order_by("depth"))


def _cases(row: Row) -> int:
    return sum(row[name] for name, _colour in SETTINGS)


def _under_care(row: Row) -> int:
    return sum(row[name] for name in ("f0_home", "f0_site", "f0_tier1", "f0_tier2", "f0_tier3"))


def _share(part: int, whole: int) -> Decimal | None:
    return _round(Decimal(100) * part / whole) if whole else None


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))
