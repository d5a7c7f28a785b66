from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LevelsConfig(AppConfig):
    name = "phongdich.levels"
    verbose_name = _("Epidemic levels")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the weekly assessment with the task workers)
