"""`{% person_orders person %}` on a person's page: their isolation and home-treatment orders and their stays in
the treatment tower, linked, and the buttons to order them (or their household) or admit them."""

from django import template

from phongdich.core.scoping import has_permission_somewhere, scope_of

from ..selectors import orders_of
from ..tower.selectors import admissions_of

register = template.Library()


@register.inclusion_tag("care/_person_orders.html", takes_context=True)
def person_orders(context, person):
    user = context["request"].user
    sees_orders = has_permission_somewhere(user, "care.view_isolationorder")
    sees_admissions = has_permission_somewhere(user, "care.view_admission")
    if not (sees_orders or sees_admissions):
        return {"show": False}
    may_order = not person.merged_into_id and scope_of(user, "care.add_isolationorder").covers_path(person.unit.path)
    return {
        "show": True,
        "person": person,
        "orders": list(orders_of(user, person)[:20]) if sees_orders else [],
        "admissions": list(admissions_of(user, person)[:20]) if sees_admissions else [],
        "can_order": may_order,
        "can_admit": not person.merged_into_id and has_permission_somewhere(user, "care.add_admission"),
    }
