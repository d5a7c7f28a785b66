from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's Vietnamese catalogue lacks the placeholder of its model choice boxes, and django-tables2 has none for
# its pagination links; naming them here brings them into the project's catalogue, which is read first.
LIBRARY_MSGIDS_WITHOUT_VIETNAMESE = [
    gettext_noop("- Select an option -"),
    gettext_noop("previous"),
    gettext_noop("next"),
]


class CoreConfig(AppConfig):
    name = "phongdich.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models import CharField, ForeignKey
        from PIL import Image

        from .lookups import InWithoutIndex, Prefix

        CharField.register_lookup(Prefix)
        ForeignKey.register_lookup(InWithoutIndex)
        # Pillow refuses pictures over twice this when it opens them (Django's ImageField too); core.pictures
        # refuses them over this before decoding.
        Image.MAX_IMAGE_PIXELS = settings.PHONGDICH_PICTURE_MAX_PIXELS
