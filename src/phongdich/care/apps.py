from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "phongdich.care"
    verbose_name = _("Care")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the periodic sweep with the task workers)
