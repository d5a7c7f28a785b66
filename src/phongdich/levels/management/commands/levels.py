"""`phongdich levels`: assess epidemic levels from the command line, from the same code as the pages."""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from phongdich.core import clock
from phongdich.levels.explain import sentences
from phongdich.levels.inputs import inputs_refresh
from phongdich.levels.services import assess, assessment_run
from phongdich.places.models import AdminUnit


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--date: {text!r} is not a date written as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Epidemic levels: refresh the weekly inputs, print or propose an assessment."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "assess",
            help="Every unit's inputs, band, coverage class and level for the last full "
            "week before --date (today by default).",
        )
        run.add_argument("--date", type=_day, help="YYYY-MM-DD; the week read is the last whole week before it.")
        run.add_argument("--unit", help="GSO code of a unit: print it and the units under it only.")
        run.add_argument("--ruleset", help="Code of the level rules (2686, 4800, 218…); by default those in force.")
        run.add_argument("--json", action="store_true", help="One JSON document instead of text.")
        run.add_argument(
            "--propose",
            action="store_true",
            help="Also save the assessment as a proposal for the command centre to review.",
        )
        refresh = sub.add_parser(
            "refresh-inputs", help="Recompute the weekly inputs (new cases and doses only, unless --since is given)."
        )
        refresh.add_argument("--since", type=_day, help="Recompute every week from this date.")

    def handle(self, *args, action, **options):
        translation.activate("vi")
        if action == "refresh-inputs":
            report = inputs_refresh(since=options["since"])
            self.stdout.write(f"{len(report.weeks)} week(s) recomputed, {report.rows:,} rows, {report.seconds:.1f} s.")
            return
        self._assess(options)

    def _assess(self, options) -> None:
        on = options["date"] or clock.today()
        inputs_refresh()
        try:
            ruleset, week, results = assess(on=on, rules_code=options["ruleset"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if options["unit"]:
            unit = AdminUnit.objects.filter(code=options["unit"], path__startswith=AdminUnit.root_path()).first()
            if unit is None:
                raise CommandError(f"--unit: no unit with the code {options['unit']}.")
            results = [result for result in results if result.unit.path.startswith(unit.path)]
        results.sort(key=lambda result: result.unit.path)
        if options["json"]:
            self.stdout.write(json.dumps(_document(ruleset, week, results), ensure_ascii=False, indent=1))
        else:
            self._text(ruleset, week, results)
        if options["propose"]:
            assessment = assessment_run(actor="phongdich levels", on=on, rules_code=options["ruleset"])
            self.stdout.write(f"Proposal #{assessment.pk} saved for review.")

    def _text(self, ruleset, week, results) -> None:
        self.stdout.write(f"{ruleset.code} – {ruleset.name}; week {week:%d/%m/%Y}, {len(results):,} units")
        for result in results:
            level = result.level if result.level is not None else "–"
            band = result.case_band or "–"
            self.stdout.write(
                f"{result.unit.path.rstrip('/').rsplit('/', 1)[-1]:>12} {result.unit.name[:40]:<40} level {level} "
                f"(band {band}, {result.coverage_class or '–'}, capacity {result.capacity_ok})"
            )


def _document(ruleset, week, results) -> dict:
    return {
        "rules": ruleset.code,
        "week": week.isoformat(),
        "units": [
            {
                "code": result.unit.path.rstrip("/").rsplit("/", 1)[-1],
                "name": result.unit.name,
                "unit_level": result.unit.level,
                "outcome": result.outcome,
                "inputs": result.inputs,
                "case_band": result.case_band,
                "coverage_class": result.coverage_class,
                "matrix_level": result.matrix_level,
                "capacity_ok": result.capacity_ok,
                "capacity_source": result.capacity_source,
                "level": result.level,
                "why": sentences(result.steps),
            }
            for result in results
        ],
    }
