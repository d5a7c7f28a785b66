from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def num(value):
    """A whole number with thousands separated the way the active language writes them: 1.234.567 in
    Vietnamese, 1,234,567 in English (Django's Vietnamese locale does not group digits)."""
    if value is None or value == "":
        return ""
    grouped = f"{int(value):,}"
    return grouped.replace(",", ".") if get_language() == "vi" else grouped


@register.filter
def num1(value):
    """A number with one decimal, grouped like `num`: 2.851,7 in Vietnamese, 2,851.7 in English."""
    return _decimal(value, 1)


@register.filter
def num2(value):
    """A number with two decimals (an Rt of 1,23), grouped like `num`."""
    return _decimal(value, 2)


def _decimal(value, places: int) -> str:
    if value is None or value == "":
        return ""
    grouped = f"{float(value):,.{places}f}"
    return grouped.replace(",", " ").replace(".", ",").replace(" ", ".") if get_language() == "vi" else grouped


@register.filter
def share_percent(value):
    """A share between 0 and 1 as a percentage with one decimal: 0.889 → 88,9."""
    if value is None or value == "":
        return ""
    return num1(float(value) * 100)
