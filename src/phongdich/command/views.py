"""The command centre's dashboard: a unit's day with its trend, charts and the units below, and its Excel copy.
Situation reports, directives and tasks, targets, the duty log and alerts have their own packages."""

from datetime import date, timedelta

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.exports import xlsx_download
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.levels.selectors import published_assessments

from .charts import swatch
from .dashboard import SEE_FIGURES, SETTINGS, Dashboard, dashboard_for, default_day, setting_labels, unit_for
from .panels import panels_for

FIRST_DAY = date(2020, 1, 1)  # the first case in Việt Nam was found on 23/1/2020


def dashboard_view(request):
    """A unit's figures for a day (yesterday by default), its charts and the units below it."""
    require_permission(request.user, SEE_FIGURES)
    unit = unit_for(request.user, request.GET.get("unit"))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    day = _day(request.GET.get("day"))
    board = dashboard_for(request.user, unit, day)
    context = {
        "board": board,
        "day": day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < clock.today() else None,
        "settings": [(name, setting_labels()[name], mark_safe(swatch(colour))) for name, colour in SETTINGS],  # noqa: S308
        "charts": {
            "epicurve": mark_safe(board.epicurve()),  # noqa: S308 (drawn from numbers, labels escaped)
            "testing": mark_safe(board.testing_chart()),  # noqa: S308
            "coverage": mark_safe(board.coverage_chart()),  # noqa: S308
            "beds": mark_safe(board.beds_chart()),  # noqa: S308
        },
        "links": _links(request.user, board),
        "panels": panels_for(request.user, unit, day),
        "query": urlencode({"unit": unit.pk, "day": day.isoformat()}),
    }
    return render(request, "command/dashboard.html", context)


def dashboard_xlsx(request):
    """The dashboard's numbers as an Excel workbook: the day by unit, and the 60 days behind each chart."""
    require_permission(request.user, SEE_FIGURES)
    unit = unit_for(request.user, request.GET.get("unit"))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    day = _day(request.GET.get("day"))
    board = dashboard_for(request.user, unit, day)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="command.dailyfigures",
        object_repr=_("Dashboard of %(unit)s, %(day)s") % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")},
        unit_path=unit.path,
        detail={"unit": unit.pk, "day": day.isoformat()},
    )
    return xlsx_download(f"bang-dieu-khien-{unit.code}-{day:%Y%m%d}.xlsx", _sheets(board))


def _day(text: str | None) -> date:
    """The day asked for: yesterday by default; 404 for anything not a day between 2020 and today."""
    if not text:
        return default_day()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= clock.today():
        raise Http404
    return day


def _links(user, board: Dashboard) -> dict[str, str]:
    """Where each figure's list lives, for the lists the user may open."""
    unit, day = board.unit.pk, board.day.isoformat()
    links = {}
    if has_permission_somewhere(user, "surveillance.view_case"):
        cases = reverse("surveillance:cases")
        links["cases"] = f"{cases}?{urlencode({'unit': unit, 'confirmed_from': day, 'confirmed_to': day})}"
        for name, setting in (
            ("cases_community", "community"),
            ("cases_screening", "checkpoint"),
            ("cases_isolated", "quarantine"),
            ("cases_imported", "imported_province"),
        ):
            query = {"unit": unit, "confirmed_from": day, "confirmed_to": day, "detection_setting": setting}
            links[name] = f"{cases}?{urlencode(query)}"
        links["deaths"] = f"{cases}?{urlencode({'unit': unit, 'status': 'died'})}"
    if has_permission_somewhere(user, "labs.view_sample"):
        links["tests"] = f"{reverse('labs:samples')}?{urlencode({'unit': unit, 'sampled_from': day})}"
    if has_permission_somewhere(user, "care.view_isolationorder"):
        orders = reverse("care:orders")
        links["f0_home"] = f"{orders}?{urlencode({'unit': unit, 'kind': 'f0_home', 'status': 'active'})}"
        links["f0_site"] = f"{orders}?{urlencode({'unit': unit, 'kind': 'f0_site', 'status': 'active'})}"
    if has_permission_somewhere(user, "care.view_ward"):
        links["beds"] = reverse("care:tower_board")
    if has_permission_somewhere(user, "vaccination.view_coveragecell"):
        links["coverage"] = reverse("vaccination:coverage_unit", args=[unit])
    if has_permission_somewhere(user, "levels.view_levelresult") and published_assessments().exists():
        links["levels"] = reverse("levels:map")  # the public map image exists once a week is published
    return links


def _sheets(board: Dashboard):
    labels = setting_labels()
    day_header = [
        _("Unit"),
        *(labels[name] for name, _colour in SETTINGS),
        _("Cases in 7 days"),
        _("Tests"),
        _("Positive"),
        _("F0 at home"),
        _("F0 at concentrated sites"),
        *(_("Tier %(tier)s patients") % {"tier": tier} for tier in (1, 2, 3)),
        _("Deaths"),
        _("Doses"),
    ]

    def day_cells(name: str, row, week: int | None) -> list:
        return [
            name,
            *(row[column] for column, _colour in SETTINGS),
            week,
            row["tests"],
            row["positives"],
            row["f0_home"],
            row["f0_site"],
            row["f0_tier1"],
            row["f0_tier2"],
            row["f0_tier3"],
            row["deaths"],
            row["doses"],
        ]

    units = [day_cells(board.unit.name, board.today, board.week_cases)]
    units += [day_cells(child.unit.name, child.day, child.week_cases) for child in board.children]
    series_header = [
        _("Day"),
        *(labels[name] for name, _colour in SETTINGS),
        _("7-day average"),
        _("Tests"),
        _("Positive"),
        _("Positivity (%)"),
        _("At least one dose (%)"),
        _("Fully vaccinated (%)"),
        *(_("Tier %(tier)s beds occupied (%%)") % {"tier": tier} for tier in (1, 2, 3)),
    ]
    averages = board.moving_average()
    series = [
        [
            day,
            *(row[column] for column, _colour in SETTINGS),
            averages[index],
            row["tests"],
            row["positives"],
            Dashboard._percent(row, "positives", "tests"),
            Dashboard._percent(row, "one_dose", "residents"),
            Dashboard._percent(row, "fully_vaccinated", "residents"),
            *(Dashboard._percent(row, f"f0_tier{tier}", f"beds_tier{tier}") for tier in (1, 2, 3)),
        ]
        for index, (day, row) in enumerate(board.series)
    ]
    return [(_("The day by unit"), day_header, units), (_("60 days"), series_header, series)]
