"""`{% load care_release %}{% order_release order %}`: on an order's page, what its release still needs and the release
button (an active order), or its certificate (a released one)."""

from django import template

register = template.Library()


@register.inclusion_tag("care/_order_release.html", takes_context=True)
def order_release(context, order):
    from phongdich.core import clock

    from ..models import IsolationOrder
    from ..release import release_check

    request = context["request"]
    active = order.status == "active"
    may_change = IsolationOrder.objects.restrict(request.user, "change").filter(pk=order.pk).exists()
    return {
        "order": order,
        "csrf_token": context.get("csrf_token"),
        "readiness": release_check(order, clock.today()) if active else None,
        "can_release": active and may_change,
        "certificate": order.status == "released" and bool(order.certificate_code),
    }
