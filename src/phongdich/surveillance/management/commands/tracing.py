import time

from django.core.management.base import BaseCommand

from phongdich.surveillance.services import levels_recompute


class Command(BaseCommand):
    help = "Contact-tracing maintenance: recompute every F-level (after a bulk load or a new version of the rules)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("relevel", help="Recompute every person's F-level from the cases and contacts.")

    def handle(self, *args, action, **options):
        started = time.perf_counter()
        result = levels_recompute(actor="cli")
        self.stdout.write(
            f"{len(result.changes):,} levels changed among {result.region_size:,} people with contacts "
            f"in {time.perf_counter() - started:.1f} s."
        )
