import time

from django.core.management.base import BaseCommand

from phongdich.care.services import rules_due_apply
from phongdich.care.services.reports import alerts_escalate, missed_reports_sweep
from phongdich.care.tower.services.transfers import transfers_escalate


def apply_rules(command: BaseCommand, options: dict) -> None:
    started = time.perf_counter()
    released = rules_due_apply()
    command.stdout.write(
        f"{released:,} active order(s) released by versions of the isolation rules that end their kind, "
        f"in {time.perf_counter() - started:.1f} s."
    )


def sweep(command: BaseCommand, options: dict) -> None:
    escalated = alerts_escalate()
    missed = missed_reports_sweep()
    transfers = transfers_escalate()
    command.stdout.write(
        f"{escalated} alerts escalated, {missed} missed-report alerts raised, {transfers} transfers escalated"
    )


# Each maintenance job of care: its name, what it does, and the function that runs it.
ACTIONS = {
    "apply-rules": (
        "Release the active orders of kinds a version of the isolation rules ends, once it has taken effect "
        "(run it daily; a version added on or after its date is applied in the background at once).",
        apply_rules,
    ),
    "sweep": (
        "Escalate unanswered alerts to the district, raise missed-report alerts and escalate the transfers no "
        "facility accepted in time, now (the task worker also runs it every 5 minutes).",
        sweep,
    ),
}


class Command(BaseCommand):
    help = "Care maintenance jobs, each meant for cron or a systemd timer."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (description, _run) in ACTIONS.items():
            sub.add_parser(name, help=description)

    def handle(self, *args, action, **options):
        ACTIONS[action][1](self, options)
