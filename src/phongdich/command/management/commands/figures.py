"""`phongdich figures`: keep the command centre's daily figures fresh (and the alerts swept over them), measure the
targets, or re-derive the figures from the raw rows: what the task workers run, for a deployment without them."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from phongdich.command.alerts.services import alerts_sweep
from phongdich.command.figures import figures_rebuild, figures_refresh
from phongdich.command.targets.services import targets_measure
from phongdich.core import clock


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date written as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Daily figures: refresh the days new records fall on, or rebuild a range from the raw rows."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "refresh",
            help="Yesterday, today and the days records entered since the last refresh fall on; then the alert sweep.",
        )
        sub.add_parser("measure-targets", help="Measure every target as at today and set its status.")
        rebuild = sub.add_parser("rebuild", help="Re-derive every day of a range from the raw rows.")
        rebuild.add_argument("--since", type=_day, help="YYYY-MM-DD; 365 days before --until by default.")
        rebuild.add_argument("--until", type=_day, help="YYYY-MM-DD; today by default.")

    def handle(self, *args, action, **options):
        if action == "measure-targets":
            measured = targets_measure()
            self.stdout.write(f"{measured.measured} target(s) measured.")
            return
        if action == "refresh":
            report = figures_refresh()
            swept = alerts_sweep()
            self.stdout.write(f"Alerts: {swept.raised} raised, {swept.updated} updated, {swept.cleared} cleared.")
        else:
            until = options["until"] or clock.today()
            since = options["since"] or until - timedelta(days=365)
            if since > until:
                raise CommandError("--since comes after --until.")
            report = figures_rebuild(since=since, until=until)
        days = f"{report.days[0]:%d/%m/%Y}–{report.days[-1]:%d/%m/%Y}" if report.days else "-"
        self.stdout.write(
            f"{len(report.days)} day(s) ({days}) recomputed, {report.rows:,} rows, {report.seconds:.1f} s."
        )
