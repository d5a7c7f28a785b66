from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "phongdich.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models import CharField, ForeignKey

        from .lookups import InWithoutIndex, Prefix

        CharField.register_lookup(Prefix)
        ForeignKey.register_lookup(InWithoutIndex)
