"""The command centre's level pages: the assessments and the green target, one assessment's units to review and
publish, a unit's result with the reasons for its level, the criteria's versions, and capacity figures."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import clock, rules
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import add_form_errors, post_action
from phongdich.places.choices import UnitLevel

from .choices import AssessmentStatus, CapacityMetric, Level, ResultStatus
from .explain import sentences
from .forms import CapacityEntryForm, LevelRulesForm, OverrideForm, PublishForm, ResultFilterForm, RunForm
from .models import Assessment, CapacityEntry, LevelResult, LevelRules, LevelTarget
from .selectors import level_counts, target_progress, unit_history
from .services import (
    assessment_publish,
    assessment_run,
    capacity_enter,
    level_rules_add,
    raises_in,
    result_override,
    results_approve,
)

PAGE = 300
LEVELS = list(Level)


def _can_review(user) -> bool:
    return scope_of(user, "levels.change_assessment").is_provincial


def home_view(request):
    """The assessments, newest first, with each one's districts by level, and the level targets."""
    require_permission(request.user, "levels.view_assessment")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    assessments = list(Assessment.objects.select_related("rules").order_by("-week", "-id")[:30])
    rows = [(a, level_counts(a, request.user, UnitLevel.COMMUNE)) for a in assessments[:12]]
    # A province's target concerns its districts and communes too: targets name no one, every reader sees them.
    targets = [target_progress(target) for target in LevelTarget.objects.select_related("unit")]
    context = {
        "rows": rows,
        "older": assessments[12:],
        "targets": targets,
        "run_form": RunForm() if scope_of(request.user, "levels.add_assessment").is_provincial else None,
        "levels": LEVELS,
    }
    return render(request, "levels/home.html", context)


@require_POST
def run_view(request):
    require_permission(request.user, "levels.add_assessment")
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("levels:home")
    chosen = form.cleaned_data["rules"]
    try:
        assessment = assessment_run(
            actor=request.user, on=form.cleaned_data["on"], rules_code=chosen.code if chosen else None
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("levels:home")
    messages.success(request, _("Levels proposed for every unit: review them, then publish."))
    return redirect("levels:assessment", assessment.pk)


def _assessment_or_404(pk) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("rules", "published_by", "created_by"), pk=pk)


def assessment_view(request, pk):
    require_permission(request.user, "levels.view_levelresult")
    assessment = _assessment_or_404(pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = ResultFilterForm(request.GET or None, user=request.user)
    chosen = form.cleaned_data if form.is_valid() else {}
    unit_level = chosen.get("level") or UnitLevel.DISTRICT
    results = _results(request.user, assessment, unit_level, chosen)
    reviewing = assessment.status == AssessmentStatus.PROPOSED and _can_review(request.user)
    raised = raises_in(assessment) if reviewing else []
    context = {
        "assessment": assessment,
        "form": form,
        "results": results[:PAGE],
        "more": len(results) > PAGE,
        "counts": level_counts(assessment, request.user, unit_level),
        "unit_level": UnitLevel(unit_level).label,
        "levels": LEVELS,
        "reviewing": reviewing,
        "pending": assessment.results.filter(status=ResultStatus.PROPOSED).count() if reviewing else 0,
        "publish_form": _publish_form(assessment, raised) if reviewing else None,
        "raised": raised,
        "notice_hours": assessment.rules.raise_notice_hours,
        "uses_coverage": bool(assessment.rules.coverage_conditions),
        "verify": assessment.rules.verify,
    }
    return render(request, "levels/assessment.html", context)


def _results(user, assessment, unit_level, chosen) -> list[LevelResult]:
    rows = LevelResult.objects.visible_to(user).filter(assessment=assessment, unit__level=unit_level)
    if chosen.get("within"):
        rows = rows.filter(unit_path__startswith=chosen["within"].path)
    if chosen.get("at"):
        rows = (
            rows.filter(proposed_level=chosen["at"])
            if assessment.status == AssessmentStatus.PROPOSED
            else rows.filter(level=chosen["at"])
        )
    results = list(rows.select_related("unit", "unit__parent").order_by("unit_path")[: PAGE * 4])
    if chosen.get("changed"):
        results = [r for r in results if r.overridden or (r.level or r.proposed_level) != r.previous_level]
    return results


def _publish_form(assessment, raised: list) -> PublishForm:
    now = timezone.localtime(clock.now()).replace(second=0, microsecond=0) + timedelta(minutes=1)
    notice = timedelta(hours=assessment.rules.raise_notice_hours)
    return PublishForm(initial={"effective_at": now, "raises_effective_at": now + notice if raised else None})


@require_POST
def approve_view(request, pk):
    require_permission(request.user, "levels.change_assessment")
    assessment = _assessment_or_404(pk)
    try:
        count = results_approve(actor=request.user, assessment=assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(n)s proposals approved.") % {"n": f"{count:,}".replace(",", ".")})
    return redirect("levels:assessment", pk)


@require_POST
def publish_view(request, pk):
    require_permission(request.user, "levels.change_assessment")
    assessment = _assessment_or_404(pk)
    post_action(
        request,
        PublishForm(request.POST),
        lambda data: assessment_publish(actor=request.user, assessment=assessment, **data),
        _("Levels published."),
    )
    return redirect("levels:assessment", pk)


def _result_or_404(user, pk) -> LevelResult:
    found = (
        LevelResult.objects.visible_to(user)
        .select_related("unit", "unit__parent", "assessment", "assessment__rules", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def result_view(request, pk):
    """Why a unit is at its level: each input, each step in words, the review, and the unit's history."""
    require_permission(request.user, "levels.view_levelresult")
    result = _result_or_404(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    can_override = result.assessment.status == AssessmentStatus.PROPOSED and _can_review(request.user)
    context = {
        "result": result,
        "why": sentences(result.steps, result),
        "inputs": _input_rows(result.inputs),
        "history": unit_history(result.unit, limit=26),
        "override_form": OverrideForm(initial={"level": result.level or result.proposed_level})
        if can_override
        else None,
        "verify": result.assessment.rules.verify,
    }
    return render(request, "levels/result.html", context)


INPUT_LABELS = {
    "population": gettext_lazy("Population"),
    "community_cases": gettext_lazy("Community cases in the week"),
    "cases": gettext_lazy("All cases in the week"),
    "community_per_100k": gettext_lazy("Community cases per 100,000"),
    "oxygen_per_100k": gettext_lazy("Cases needing oxygen per 100,000"),
    "deaths_per_100k": gettext_lazy("Deaths per 100,000"),
    "one_dose_18+_percent": gettext_lazy("18+ with at least one dose (%)"),
    "full_65+_percent": gettext_lazy("65+ fully vaccinated (%)"),
    "full_all_percent": gettext_lazy("Whole population fully vaccinated (%)"),
    "one_dose_all_percent": gettext_lazy("Whole population with at least one dose (%)"),
    "full_18+_percent": gettext_lazy("18+ fully vaccinated (%)"),
    "one_dose_65+_percent": gettext_lazy("65+ with at least one dose (%)"),
    "mobile_stations": gettext_lazy("Mobile medical stations"),
    "care_teams_per_10k": gettext_lazy("F0 care teams per 10,000"),
    "beds_per_100k": gettext_lazy("COVID beds per 100,000"),
    "free_beds_per_100k": gettext_lazy("Free COVID beds per 100,000"),
    "icu_beds_per_100k": gettext_lazy("ICU beds per 100,000"),
}


def _input_rows(inputs: dict) -> list[tuple[str, object, bool]]:
    """(label, value, whole number?) for each input."""
    return [
        (str(INPUT_LABELS.get(name, name)), value, isinstance(value, int) and not isinstance(value, bool))
        for name, value in inputs.items()
    ]


@require_POST
def override_view(request, pk):
    require_permission(request.user, "levels.change_levelresult")
    result = _result_or_404(request.user, pk)
    post_action(
        request,
        OverrideForm(request.POST),
        lambda data: result_override(actor=request.user, result=result, **data),
        _("Level changed; the proposal and your reason are kept."),
    )
    return redirect("levels:result", pk)


def rules_view(request):
    require_permission(request.user, "levels.view_levelrules")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context = {
        "versions": LevelRules.objects.order_by("-effective_from"),
        "in_force": rules.in_force(LevelRules).pk,
        "can_add": scope_of(request.user, "levels.add_levelrules").is_provincial,
        "metric_labels": dict(CapacityMetric.choices),
        "unit_levels": dict(UnitLevel.choices),
    }
    return render(request, "levels/rules.html", context)


def rules_new_view(request):
    if not scope_of(request.user, "levels.add_levelrules").is_provincial:
        raise PermissionDenied(_("Only the province changes the level criteria."))
    current = rules.in_force(LevelRules)
    form = LevelRulesForm(request.POST or None, initial=LevelRulesForm.initial_from(current) if current.pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            level_rules_add(
                actor=request.user,
                effective_from=form.cleaned_data["effective_from"],
                source_document=form.cleaned_data["source_document"],
                document_date=form.cleaned_data["document_date"],
                values=form.values(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("New level criteria saved."))
            return redirect("levels:rules")
    return render(request, "levels/rules_form.html", {"form": form})


def capacity_view(request):
    """Capacity figures entered for units the tower does not cover, and the form to enter them."""
    require_permission(request.user, "levels.view_capacityentry")
    can_enter = has_permission_somewhere(request.user, "levels.add_capacityentry")
    form = CapacityEntryForm(request.POST or None, user=request.user) if can_enter else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                capacity_enter(
                    actor=request.user, unit=data["unit"], on=data["on"], figures=form.figures(), note=data["note"]
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Capacity figures saved."))
                return redirect("levels:capacity")
    entries = CapacityEntry.objects.visible_to(request.user).select_related("unit").order_by("-on", "unit__path")[:100]
    return render(request, "levels/capacity.html", {"form": form, "entries": entries})
