"""`{% scoped_link obj %}`: a link to a related record only when the viewer may open it.

A page names records in passing (a case's cluster, the register record behind a vaccination page). Like a related
person (people.selectors.PersonRef, which masks the name too), the link is drawn through the viewer's scope, so
no page offers a link that answers "not found". Outside the scope the text stays, unlinked: a cluster's name or
a unit is not personal, and a person's name is only ever passed here by a page that may already show it."""

from django import template
from django.utils.html import format_html

from phongdich.core.scoping import can_open

register = template.Library()


@register.simple_tag(takes_context=True)
def scoped_link(context, obj, text=None):
    if obj is None:
        return ""
    label = str(obj) if text is None else text
    if can_open(context["request"].user, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)
    return format_html("{}", label)
