"""Writes of the levels app: running an assessment, reviewing and publishing it, capacity figures entered by hand,
and new versions of the criteria."""

import json
import time
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock, rules
from phongdich.core.bulk import append_rows, cycle_collection_paused
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.models import AdminUnit, Population

from . import engine
from .choices import AssessmentStatus, Level, Outcome, ResultStatus
from .models import Assessment, CapacityEntry, LevelResult, LevelRules, WeeklyInput
from .rule_checks import rules_errors
from .weeks import last_full_week, week_end

MAX_REASON = 500


def rules_for(on: date, code: str | None = None) -> LevelRules:
    """The ruleset named by `code`, else the one in force on `on`."""
    if code:
        found = LevelRules.objects.filter(code=code).first()
        if found is None:
            raise ValidationError({"rules": _("No level rules with the code %(code)s.") % {"code": code}})
        return found
    return rules.in_force(LevelRules, on)


def assess(*, on: date, rules_code: str | None = None, root_path: str | None = None) -> tuple:
    """Compute (without saving) every unit's result for the last full week before `on`: (rules, week, results).
    The units are the province's (those under `root_path`, for the benchmark's national tree)."""
    ruleset = rules_for(on, rules_code)
    week = last_full_week(on)
    root_path = root_path or AdminUnit.root_path()
    units = [
        engine.Unit(*row)
        for row in AdminUnit.objects.filter(path__startswith=root_path)
        .order_by()
        .values_list("pk", "path", "depth", "level", "name")
    ]
    figures = engine.subtree_sums(_weekly_rows(week, root_path), units)
    results = engine.assess_units(
        rules=ruleset,
        units=units,
        figures=figures,
        populations=_populations(root_path, week.year),
        entries=_entries(root_path, week_end(week)),
        previous=_levels_in_effect(),
    )
    return ruleset, week, results


def _weekly_rows(week: date, root_path: str):
    names = WeeklyInput.COUNTS
    rows = WeeklyInput.objects.filter(week=week, unit_path__startswith=root_path).values_list("unit_path", *names)
    for path, *values in rows.iterator(chunk_size=5000):
        yield path, {name: value for name, value in zip(names, values, strict=True) if value}


def _populations(root_path: str, year: int) -> dict[int, int]:
    """Each unit's population of the year, or of the nearest year before it, else after it."""
    best: dict[int, tuple[int, int]] = {}
    rows = Population.objects.filter(unit__path__startswith=root_path).values_list("unit_id", "year", "total")
    for unit_id, row_year, total in rows.iterator(chunk_size=5000):
        distance = (year - row_year) if row_year <= year else 1000 + row_year - year
        if unit_id not in best or distance < best[unit_id][0]:
            best[unit_id] = (distance, total)
    return {unit_id: total for unit_id, (_distance, total) in best.items()}


def _entries(root_path: str, until: date) -> dict[int, dict[str, int]]:
    entries: dict[int, dict[str, int]] = {}
    rows = CapacityEntry.objects.filter(unit__path__startswith=root_path, on__lte=until).order_by("unit_id", "on")
    for entry in rows:
        entries[entry.unit_id] = {name: getattr(entry, name) for name in engine.CAPACITY_COUNTS}
    return entries


def _levels_in_effect() -> dict[int, int]:
    """The level each unit had in the latest published assessment."""
    latest = Assessment.objects.filter(status=AssessmentStatus.PUBLISHED).order_by("-effective_at", "-id").first()
    if latest is None:
        return {}
    return {unit_id: level for unit_id, level in latest.results.values_list("unit_id", "level") if level is not None}


def assessment_run(
    *, actor, on: date | None = None, rules_code: str | None = None, root_path: str | None = None
) -> Assessment:
    """Propose a level for every unit of the province from the last full week before `on` (today by default).
    A proposal of the same week and rules not yet published is replaced."""
    if not scope_of(actor, "levels.add_assessment").is_provincial:
        raise PermissionDenied(_("Only the province's command centre assesses epidemic levels."))
    on = on or clock.today()
    _check_proposal(on, rules_code)
    started = time.perf_counter()
    with cycle_collection_paused():
        ruleset, week, results = assess(on=on, rules_code=rules_code, root_path=root_path)
        with transaction.atomic():
            Assessment.objects.filter(rules=ruleset, week=week, status=AssessmentStatus.PROPOSED).delete()
            assessment = Assessment.objects.create(
                rules=ruleset, week=week, assessed_on=on, created_by=audit.user_of(actor), created_at=clock.now()
            )
            _results_write(assessment, results)
            assessment.seconds = time.perf_counter() - started
            assessment.save(update_fields=["seconds"])
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=assessment,
                unit_path=root_path or AdminUnit.root_path(),
                after={"rules": ruleset.code, "week": week.isoformat(), "units": len(results)},
            )
    return assessment


def _check_proposal(on: date, rules_code: str | None) -> None:
    """A proposal is for a week that has ended, under rules in force by its end (the command prints any
    comparison; only proposals are refused)."""
    if on > clock.today():
        raise ValidationError({"on": _("A week is assessed once it has ended: choose today or an earlier day.")})
    if rules_code:
        ruleset, end = rules_for(on, rules_code), week_end(last_full_week(on))
        if ruleset.effective_from > end:
            raise ValidationError(
                {
                    "rules": _("The rules %(code)s take effect on %(day)s, after the week assessed.")
                    % {"code": ruleset.code, "day": f"{ruleset.effective_from:%d/%m/%Y}"}
                }
            )


RESULT_COLUMNS = [
    "assessment_id",
    "unit_id",
    "unit_path",
    "depth",
    "outcome",
    "inputs",
    "case_band",
    "coverage_class",
    "matrix_level",
    "capacity_ok",
    "capacity_source",
    "steps",
    "proposed_level",
    "previous_level",
    "override_reason",
    "status",
]
WRITE_BATCH = 5000


def _results_write(assessment: Assessment, results: list[engine.Result]) -> None:
    """Database-ready rows in batches (the ORM's bulk_create spends most of its time preparing JSON values)."""
    table = connection.ops.quote_name(LevelResult._meta.db_table)
    columns = [connection.ops.quote_name(column) for column in RESULT_COLUMNS]
    with connection.cursor() as cursor:
        for start in range(0, len(results), WRITE_BATCH):
            rows = [_row(assessment.pk, result) for result in results[start : start + WRITE_BATCH]]
            append_rows(cursor, table, columns, rows)


def _row(assessment_id: int, result: engine.Result) -> tuple:
    return (
        assessment_id,
        result.unit.id,
        result.unit.path,
        result.unit.depth,
        result.outcome,
        json.dumps(result.inputs),
        result.case_band,
        result.coverage_class,
        result.matrix_level,
        result.capacity_ok,
        result.capacity_source,
        json.dumps(result.steps),
        result.level,
        result.previous,
        "",
        ResultStatus.PROPOSED,
    )


def _assessment_for_review(actor, assessment_id: int) -> Assessment:
    if not scope_of(actor, "levels.change_assessment").is_provincial:
        raise OutOfScope(_("No such assessment."))
    found = Assessment.objects.select_for_update().filter(pk=assessment_id).first()
    if found is None:
        raise OutOfScope(_("No such assessment."))
    if found.status == AssessmentStatus.PUBLISHED:
        raise ValidationError(_("This assessment is already published; assess again to change a level."))
    return found


def results_approve(*, actor, assessment: Assessment) -> int:
    """Accept every proposal not yet reviewed; returns how many."""
    with transaction.atomic():
        assessment = _assessment_for_review(actor, assessment.pk)
        pending = assessment.results.filter(status=ResultStatus.PROPOSED)
        count = pending.update(
            status=ResultStatus.APPROVED,
            level=F("proposed_level"),
            reviewed_by=audit.user_of(actor),
            reviewed_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=assessment,
            unit_path=AdminUnit.root_path(),
            detail={"approved": count},
        )
    return count


def result_override(*, actor, result: LevelResult, level: int, reason: str) -> LevelResult:
    """Set a unit's level other than the proposal, for a stated local reason."""
    with transaction.atomic():
        assessment = _assessment_for_review(actor, result.assessment_id)
        result = LevelResult.objects.select_for_update().get(pk=result.pk, assessment=assessment)
        errors = {}
        if level not in Level.values:
            errors["level"] = _("Choose a level from 1 to 4.")
        if not reason.strip():
            errors["reason"] = _("Say why this unit's level differs from the proposal.")
        elif len(reason) > MAX_REASON:
            errors["reason"] = _("At most %(n)d characters.") % {"n": MAX_REASON}
        if result.outcome == Outcome.NO_POPULATION:
            errors["level"] = _("Record this unit's population first: a level needs it.")
        if errors:
            raise ValidationError(errors)
        before = {"level": result.level, "proposed_level": result.proposed_level}
        result.level, result.override_reason = level, reason.strip()
        result.status, result.reviewed_by, result.reviewed_at = ResultStatus.APPROVED, audit.user_of(actor), clock.now()
        result.save(update_fields=["level", "override_reason", "status", "reviewed_by", "reviewed_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=result,
            unit_path=result.unit_path,
            before=before,
            after={"level": level, "reason": result.override_reason},
        )
    return result


def assessment_publish(
    *,
    actor,
    assessment: Assessment,
    effective_at: datetime,
    raises_effective_at: datetime | None = None,
    emergency_reason: str = "",
) -> Assessment:
    """Publish the reviewed levels: in effect from `effective_at`, except the units raised above the level in
    effect, from `raises_effective_at` (the same time when not given), which must be at least the rules' notice
    (48 hours) after publication unless an emergency reason is recorded."""
    with transaction.atomic():
        assessment = _assessment_for_review(actor, assessment.pk)
        now = clock.now()
        pending = assessment.results.filter(status=ResultStatus.PROPOSED).count()
        if pending:
            raise ValidationError(
                _("%(n)s units still await review: approve or change them first.")
                % {"n": f"{pending:,}".replace(",", ".")}
            )
        raises_effective_at = raises_effective_at or effective_at
        for field, moment in (("effective_at", effective_at), ("raises_effective_at", raises_effective_at)):
            if moment < now - timedelta(minutes=5):
                raise ValidationError({field: _("Levels cannot take effect before they are published.")})
        emergency_reason = emergency_reason.strip()[:MAX_REASON]
        raised = [row.pk for row in raises_in(assessment)]
        if raised:
            _check_notice(assessment, raises_effective_at, now, emergency_reason)
        assessment.results.exclude(pk__in=raised).update(status=ResultStatus.PUBLISHED, effective_at=effective_at)
        assessment.results.filter(pk__in=raised).update(status=ResultStatus.PUBLISHED, effective_at=raises_effective_at)
        assessment.status, assessment.published_at, assessment.published_by = (
            AssessmentStatus.PUBLISHED,
            now,
            audit.user_of(actor),
        )
        assessment.effective_at, assessment.emergency_reason = effective_at, emergency_reason
        assessment.save(update_fields=["status", "published_at", "published_by", "effective_at", "emergency_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=assessment,
            unit_path=AdminUnit.root_path(),
            after={
                "published": True,
                "effective_at": effective_at.isoformat(),
                "raised": len(raised),
                "raises_effective_at": raises_effective_at.isoformat(),
                "emergency_reason": emergency_reason,
            },
        )
    return assessment


def raises_in(assessment: Assessment) -> list[LevelResult]:
    """The units this assessment would raise above the level in effect now."""
    before = _levels_in_effect()
    rows = assessment.results.filter(level__isnull=False).select_related("unit").order_by("depth", "unit_path")
    return [row for row in rows if row.unit_id in before and (row.level or 0) > before[row.unit_id]]


def _check_notice(assessment: Assessment, raises_at: datetime, now: datetime, emergency_reason: str) -> None:
    notice = timedelta(hours=assessment.rules.raise_notice_hours)
    if raises_at >= now + notice - timedelta(minutes=1) or emergency_reason:
        return
    raised = raises_in(assessment)
    names = ", ".join(row.unit.label for row in raised[:5])
    raise ValidationError(
        {
            "raises_effective_at": _(
                "%(n)d units are raised (%(names)s…): a raise takes effect no sooner than %(hours)d hours after "
                "publication, from %(earliest)s, unless you record an emergency reason."
            )
            % {
                "n": len(raised),
                "names": names,
                "hours": assessment.rules.raise_notice_hours,
                "earliest": f"{timezone.localtime(now + notice):%d/%m/%Y %H:%M}",
            }
        }
    )


def capacity_enter(*, actor, unit: AdminUnit, on: date, figures: dict[str, int], note: str = "") -> CapacityEntry:
    """Capacity figures for a unit on a date, used where the tower has none."""
    scope = scope_of(actor, "levels.add_capacityentry")
    with transaction.atomic():
        found = AdminUnit.objects.filter(pk=unit.pk).first()
        if found is None or not scope.covers_path(found.path):
            raise OutOfScope(_("No such unit in your jurisdiction."))
        unit = found
        errors = {
            name: _("A whole number, 0 or more.")
            for name in engine.CAPACITY_COUNTS
            if not isinstance(figures.get(name, 0), int) or figures.get(name, 0) < 0
        }
        if on > clock.today():
            errors["on"] = _("Figures cannot be entered for a day still to come.")
        if errors:
            raise ValidationError(errors)
        entry, created = CapacityEntry.objects.update_or_create(
            unit=unit,
            on=on,
            defaults={
                **{name: figures.get(name, 0) for name in engine.CAPACITY_COUNTS},
                "note": note[:300],
                "entered_by": audit.user_of(actor),
            },
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            instance=entry,
            unit_path=unit.path,
            after=audit.snapshot(entry),
        )
    return entry


RULE_FIELDS = [
    "code",
    "name",
    "case_bands",
    "coverage_conditions",
    "matrix",
    "capacity_rule",
    "capacity_minimums",
    "aggregation",
    "aggregate_levels",
    "aggregation_rules",
    "raise_notice_hours",
    "verify",
]


def level_rules_add(
    *, actor, effective_from: date, source_document: str, document_date: date | None, values: dict
) -> LevelRules:
    """A new version of the level criteria (the province's adjustment of a Ministry decision)."""
    return rules.version_add(
        actor=actor,
        model=LevelRules,
        effective_from=effective_from,
        source_document=source_document,
        document_date=document_date,
        values=values,
        fields=RULE_FIELDS,
        limits={"raise_notice_hours": (0, 24 * 14)},
        refusal=_("Only the province changes the level criteria."),
        errors=_new_rules_errors(values),
    )


def _new_rules_errors(values: dict) -> dict[str, str]:
    errors = rules_errors(values)
    if LevelRules.objects.filter(code=str(values.get("code", "")).strip()).exists():
        errors["code"] = _("Rules with the code %(code)s already exist: choose another code.") % {
            "code": values["code"]
        }
    return errors
