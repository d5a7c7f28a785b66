"""phongdich care sweep      escalate unanswered alerts and raise missed-report alerts now (for cron; the task
worker also runs it every 5 minutes)"""

from django.core.management.base import BaseCommand

from phongdich.care.services.reports import alerts_escalate, missed_reports_sweep


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("sweep", help="escalate unanswered alerts and raise missed-report alerts")

    def handle(self, *args, command, **options):
        getattr(self, "_" + command.replace("-", "_"))(**options)

    def _sweep(self, **options):
        escalated = alerts_escalate()
        missed = missed_reports_sweep()
        self.stdout.write(f"{escalated} alerts escalated, {missed} missed-report alerts raised")
