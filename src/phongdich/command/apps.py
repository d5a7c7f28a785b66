from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "phongdich.command"
    verbose_name = _("Command centre")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the figures refresh and the alert sweep with the task workers)
