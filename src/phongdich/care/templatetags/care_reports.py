"""`{% load care_reports %}{% order_reports order %}`: an order's self-reports section (care/_order_reports.html)
on any page that shows the order, such as the order's own page."""

from django import template

register = template.Library()


@register.inclusion_tag("care/_order_reports.html", takes_context=True)
def order_reports(context, order):
    from ..views.reports import reports_section

    return {
        "order": order,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        **reports_section(context["request"], order),
    }


@register.filter
def symptom_label(code: str) -> str:
    """A symptom of the checklist by its name in the reader's language."""
    from ..choices import Symptom

    try:
        return str(Symptom(code).label)
    except ValueError:
        return code


@register.filter
def dialled(phone: str) -> str:
    """A stored +84 number as people dial it in Viet Nam."""
    from ..tables import dialled as national

    return national(phone or "")
