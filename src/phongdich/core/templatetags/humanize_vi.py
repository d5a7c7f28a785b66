from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def num(value):
    """Thousands separated the way the active language writes them (1.234.567 in Vietnamese)."""
    if value is None or value == "":
        return ""
    return number_format(value, force_grouping=True)
