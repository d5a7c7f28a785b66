"""`{% person_orders person %}` on a person's page: their isolation and home-treatment orders, linked, and the
buttons to order them (or their household)."""

from django import template

from phongdich.core.scoping import has_permission_somewhere, scope_of

from ..selectors import orders_of

register = template.Library()


@register.inclusion_tag("care/_person_orders.html", takes_context=True)
def person_orders(context, person):
    user = context["request"].user
    if not has_permission_somewhere(user, "care.view_isolationorder"):
        return {"show": False}
    may_order = not person.merged_into_id and scope_of(user, "care.add_isolationorder").covers_path(person.unit.path)
    return {
        "show": True,
        "person": person,
        "orders": list(orders_of(user, person)[:20]),
        "can_order": may_order,
    }
