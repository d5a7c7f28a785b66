from django.core.management.base import BaseCommand

from phongdich.command.directives.services import tasks_remind


class Command(BaseCommand):
    help = (
        "E-mail the members of each task's lead body about the open tasks due within two days or overdue, once a day "
        "per task (run it from cron or a timer; running it again the same day sends nothing more)."
    )

    def handle(self, *args, **options):
        sent = tasks_remind(actor="cli")
        self.stdout.write(f"Tasks reminded: {sent['tasks']}; e-mails sent: {sent['emails']}.")
