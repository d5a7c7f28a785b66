from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..choices import COLOUR_NAMES

register = template.Library()


@register.filter
def level_badge(level):
    """A level as a coloured badge that also says its colour in words (colour alone is not enough)."""
    if level is None or level == "":
        return format_html('<span class="level level-none" title="{}">–</span>', _("no level"))
    return format_html(
        '<span class="level level-{}" title="{}">{}</span>', level, COLOUR_NAMES.get(int(level), ""), level
    )


@register.filter
def verify_mark(name, verify):
    """ "(verify)" beside a value the documents leave uncertain."""
    if verify and name in verify:
        return format_html(' <small class="badge badge-warn">{}</small>', _("(verify)"))
    return ""
