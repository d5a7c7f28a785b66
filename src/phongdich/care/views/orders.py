"""Isolation orders: the list, an order's page (its plan, eligibility, who looks after it, visits and medicine),
a new order for a person or a household, ending and assigning an order, and the concentrated sites' places."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import clock
from phongdich.core.scoping import can_open, has_permission_somewhere, require_permission
from phongdich.core.views import ScopedListView, add_form_errors, post_action
from phongdich.people.models import Person
from phongdich.people.selectors import name_people

from ..choices import OrderKind, OrderStatus
from ..eligibility import describe
from ..filtersets import IsolationOrderFilterSet
from ..forms import CareContactForm, HouseholdOrderForm, MedicineForm, OrderAssignForm, OrderEndForm, OrderForm
from ..models import IsolationOrder
from ..selectors import carers_for, order_for_reading
from ..services import (
    contact_record,
    household_order_create,
    medicine_deliver,
    order_assign,
    order_create,
    order_end,
    orders_in_scope,
)
from ..tables import IsolationOrderTable


class OrderListView(ScopedListView):
    model = IsolationOrder
    filterset_class = IsolationOrderFilterSet
    table_class = IsolationOrderTable
    permission = "care.view_isolationorder"
    title = gettext_lazy("Isolation and home treatment")
    template_name = "care/orders.html"

    def base_queryset(self):
        return super().base_queryset().select_related("unit", "responsible").order_by("-starts_on", "-id")

    def extra_context(self):
        return {"can_create": has_permission_somewhere(self.request.user, "care.add_isolationorder")}


def order_detail(request, pk):
    """An order read in full (audited): its plan under the rules in force on its start, eligibility at enrolment,
    who looks after it, visits and calls, medicine; the forms for what the user may do with it."""
    require_permission(request.user, "care.view_isolationorder")
    try:
        order = order_for_reading(request.user, pk)
    except IsolationOrder.DoesNotExist as error:
        raise Http404 from error
    user = request.user
    name_people(user, [order], person_ref="person_id")
    active = order.status == OrderStatus.ACTIVE
    may = {
        permission: active and orders_in_scope(user, f"care.{permission}").filter(pk=pk).exists()
        for permission in ("change_isolationorder", "add_carecontact", "add_medicinedelivery")
    }
    context = {
        "order": order,
        "test_days": [date.fromisoformat(day) for day in order.test_days],
        "eligibility_failures": [describe(failure) for failure in order.eligibility.get("failures", [])],
        "contacts": order.contacts.select_related("done_by")[:100],
        "medicines": order.medicines.select_related("kind", "delivered_by")[:100],
        "group": _ordered_together(user, order),
        "condition_since": _condition_since(order),
        "source_task_url": _task_url(user, order),
        "today": clock.today(),
        "can_change": may["change_isolationorder"],
        "can_visit": may["add_carecontact"],
        "can_deliver": may["add_medicinedelivery"],
        "end_form": OrderEndForm() if may["change_isolationorder"] else None,
        "assign_form": _assign_form(user, order) if may["change_isolationorder"] else None,
        "contact_form": CareContactForm() if may["add_carecontact"] else None,
        "medicine_form": MedicineForm() if may["add_medicinedelivery"] else None,
    }
    return render(request, "care/order_detail.html", context)


def _condition_since(order: IsolationOrder) -> date | None:
    """The day the condition rests on: the dose that completed the series, or the past infection's confirmation."""
    day = order.condition_params.get("given_on") or order.condition_params.get("confirmed_on")
    return date.fromisoformat(day) if day else None


def _task_url(user, order: IsolationOrder) -> str:
    if order.source_task is None or not can_open(user, order.source_task):
        return ""
    return reverse("surveillance:task", args=[order.source_task_id])


def _assign_form(user, order: IsolationOrder, data=None) -> OrderAssignForm:
    initial = {"responsible": order.responsible_id, "team": order.team, "facility": order.facility_id}
    return OrderAssignForm(data, user=user, carers=carers_for(order), initial=initial)


def _ordered_together(user, order: IsolationOrder) -> list:
    """The other orders of its household ordered with it, each person named as the user may see them."""
    if not order.group_code:
        return []
    together = IsolationOrder.objects.visible_to(user).filter(group_code=order.group_code).exclude(pk=order.pk)
    return name_people(user, together.order_by("pk")[:20], person_ref="person_id")


def order_create_view(request, person_pk=None):
    """A new order: from a person's page (`person_pk`) or from the menu, finding the person with the picker."""
    require_permission(request.user, "care.add_isolationorder")
    user = request.user
    person = None
    if person_pk is not None:
        person = get_object_or_404(Person.objects.restrict(user, "view").active(), pk=person_pk)
    initial = {"kind": request.GET.get("kind") or _suggested_kind(person)}
    form = OrderForm(request.POST or None, request.FILES or None, user=user, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = person or data["number"]
        if data["household"]:
            query = urlencode({"kind": data["kind"], "starts_on": data["starts_on"].isoformat()})
            return redirect(f"{reverse('care:household_order_create', args=[target.pk])}?{query}")
        try:
            order = order_create(
                actor=user,
                person=target,
                kind=data["kind"],
                starts_on=data["starts_on"],
                site=data["site"],
                facility=data["facility"],
                responsible=data["responsible"],
                team=data["team"],
                address=data["address"],
                measurements=form.measurements(),
                eligibility_override=data["eligibility_override"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request, _("Order recorded: planned to end on %(end)s.") % {"end": f"{order.planned_end:%d/%m/%Y}"}
            )
            return redirect("care:order", pk=order.pk)
    context = {"form": form, "person": person, "title": _("New isolation or home-treatment order")}
    return render(request, "care/order_form.html", context)


def _suggested_kind(person: Person | None) -> str:
    """The kind a person's F-level suggests: an F0 at home, an F1 in home quarantine."""
    from phongdich.surveillance.models import TracingState

    if person is None:
        return OrderKind.F1_HOME
    level = TracingState.objects.filter(person=person).values_list("level", flat=True).first()
    return OrderKind.F0_HOME if level == 0 else OrderKind.F1_HOME


def household_order_create_view(request, person_pk):
    """The members of a person's household ordered together: ticked by default, all or none saved."""
    require_permission(request.user, "care.add_isolationorder")
    user = request.user
    person = get_object_or_404(Person.objects.restrict(user, "view").active(), pk=person_pk)
    members = Person.objects.restrict(user, "view").active()
    members = members.filter(household_id=person.household_id) if person.household_id else members.filter(pk=person.pk)
    members = members.order_by("birth_date", "birth_year", "pk")
    initial = {
        "members": list(members.values_list("pk", flat=True)),
        "kind": request.GET.get("kind") or OrderKind.F1_HOME,
        "starts_on": request.GET.get("starts_on") or None,
    }
    form = HouseholdOrderForm(request.POST or None, user=user, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            orders = household_order_create(
                actor=user,
                people=list(data["members"]),
                kind=data["kind"],
                starts_on=data["starts_on"],
                site=data["site"],
                facility=data["facility"],
                responsible=data["responsible"],
                team=data["team"],
                address=data["address"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(n)s people ordered together.") % {"n": len(orders)})
            chosen = next((order for order in orders if order.person_id == person.pk), orders[0])
            return redirect("care:order", pk=chosen.pk)
    context = {"form": form, "person": person, "title": _("Order a household together")}
    return render(request, "care/order_form.html", context)


def _order_for(request, pk: int, permission: str) -> IsolationOrder:
    require_permission(request.user, permission)
    return get_object_or_404(orders_in_scope(request.user, permission), pk=pk)


@require_POST
def order_end_view(request, pk):
    order = _order_for(request, pk, "care.change_isolationorder")
    post_action(
        request,
        OrderEndForm(request.POST),
        lambda data: order_end(actor=request.user, order=order, **data),
        _("The order has ended."),
    )
    return redirect("care:order", pk=pk)


@require_POST
def order_assign_view(request, pk):
    order = _order_for(request, pk, "care.change_isolationorder")
    post_action(
        request,
        _assign_form(request.user, order, request.POST),
        lambda data: order_assign(actor=request.user, order=order, **data),
        _("Who looks after the order is recorded."),
    )
    return redirect("care:order", pk=pk)


@require_POST
def order_contact_view(request, pk):
    order = _order_for(request, pk, "care.add_carecontact")
    post_action(
        request,
        CareContactForm(request.POST),
        lambda data: contact_record(actor=request.user, order=order, **data),
        _("Visit or call recorded."),
    )
    return redirect("care:order", pk=pk)


@require_POST
def order_medicine_view(request, pk):
    order = _order_for(request, pk, "care.add_medicinedelivery")
    post_action(
        request,
        MedicineForm(request.POST),
        lambda data: medicine_deliver(actor=request.user, order=order, **data),
        _("Medicine delivery recorded."),
    )
    return redirect("care:order", pk=pk)


def _whole(text) -> int | None:
    try:
        return int(str(text).replace(".", "").strip())
    except ValueError:
        return None
