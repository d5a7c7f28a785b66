from django.core.management.base import BaseCommand

from phongdich.core.import_flow import uploads_expire


class Command(BaseCommand):
    help = "Delete uploaded import files kept longer than PHONGDICH_UPLOAD_HOURS (run it hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"{uploads_expire()} expired upload(s) deleted.")
