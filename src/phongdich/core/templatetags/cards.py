from django import template

from phongdich.core.tables import card_roles

register = template.Library()


@register.simple_tag
def card_roles_of(table) -> dict[str, str]:
    return card_roles(table)
