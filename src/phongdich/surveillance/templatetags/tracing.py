"""`{% tracing_card person %}` on a person's page: their cases, F-level with its chain and history."""

from django import template

from phongdich.core.scoping import has_permission_somewhere
from phongdich.people.selectors import name_people

from ..forms import ClearForm
from ..models import Case, TracingState
from ..reasons import explain
from ..selectors import level_history

register = template.Library()


@register.inclusion_tag("surveillance/_tracing_card.html", takes_context=True)
def tracing_card(context, person):
    user = context["request"].user
    if not has_permission_somewhere(user, "surveillance.view_tracingstate"):
        return {"show": False}
    state = TracingState.objects.visible_to(user).select_related("root_case").filter(person=person).first()
    if state:
        name_people(user, [state], via_ref="via_id")
    return {
        "show": True,
        "request": context["request"],
        "person": person,
        "state": state,
        "cases": Case.objects.visible_to(user).filter(person=person).order_by("-confirmed_at"),
        "history": explain(user, level_history(person.pk)) if state else [],
        "can_add_case": has_permission_somewhere(user, "surveillance.add_case"),
        "can_print_card": has_permission_somewhere(user, "people.change_person"),
        "can_clear": state is not None
        and state.level
        and TracingState.objects.restrict(user, "change").filter(pk=state.pk).exists(),
        "clear_form": ClearForm(),
        "csrf_token": context.get("csrf_token"),
    }
