"""The supplies pages: stock by facility (and as a file for Excel), one facility's stock with its movements and the
form that records one, the low-stock alerts, donations in kind and their allocation, the item catalogue."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.exports import csv_download
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import add_form_errors, service_form

from .choices import Category
from .forms import AllocationForm, DonationForm, MovementForm, StockFilterForm, SupplyItemForm
from .models import Donation, SupplyItem
from .selectors import (
    donation_lines,
    donations_with_totals,
    facilities_for,
    low_stock,
    low_stock_count,
    movements_of,
    stock_rows,
)
from .services import donation_allocate, donation_record, movement_record, supply_item_add, supply_item_update
from .tables import DonationTable, StockTable, SupplyItemTable, cover_text, decimal_text, signed

SEE = "care.view_stocklevel"


def _paged(request, table):
    RequestConfig(request, paginate={"per_page": settings.PHONGDICH_PAGE_SIZE}).configure(table)
    return table


# ---- Stock -----------------------------------------------------------------------------------------------------


def stock_list(request):
    """Every item of every facility the user sees, filtered by district, facility, category, low stock."""
    require_permission(request.user, SEE)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    facilities = facilities_for(request.user).select_related("unit").order_by("name")
    form = StockFilterForm(request.GET or None, user=request.user, facilities=facilities)
    chosen, category, low_only = facilities, "", False
    if form.is_valid():
        data = form.cleaned_data
        if district := form.districts.get(data["district"]):
            chosen = chosen.filter(unit__path__startswith=district.path)
        if data["facility"]:
            chosen = chosen.filter(pk=data["facility"])
        category, low_only = data["category"], data["low"]
    rows = stock_rows(chosen, category=category, low_only=low_only)
    if request.GET.get("format") == "csv":
        return _stock_file(request, rows)
    context = {
        "form": form,
        "table": _paged(request, StockTable(rows)),
        "count": len(rows),
        "low_count": low_stock_count(request.user),
        "query": request.GET.urlencode(),
        "can_donate": has_permission_somewhere(request.user, "care.view_donation"),
    }
    return render(request, "care/supplies/stock.html", context)


def _stock_file(request, rows):
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="care.stocklevel",
        object_repr=f"stock, {len(rows)} rows",
        detail={"query": request.GET.urlencode()},
    )
    header = [
        _("Facility"),
        _("Ward"),
        _("Item"),
        _("Category"),
        _("Unit of measure"),
        _("On hand"),
        _("Average use a day (7 days)"),
        _("Days of cover"),
        _("Low"),
    ]
    categories = dict(Category.choices)
    lines = (
        [
            row.facility.name,
            row.facility.unit.name,
            row.item.name,
            categories.get(row.item.category, row.item.category),
            row.item.unit_of_measure,
            row.on_hand,
            decimal_text(row.daily_use),
            "" if row.cover_days is None else decimal_text(row.cover_days),
            row.low,
        ]
        for row in rows
    )
    return csv_download("ton-kho-vat-tu.csv", header, lines)


def facility_stock(request, pk: int, form=None, status: int = 200):
    """A facility's stock, its last movements, and the form that records one (for those who may)."""
    require_permission(request.user, SEE)
    facility = get_object_or_404(facilities_for(request.user).select_related("unit"), pk=pk)
    if request.method != "GET" and form is None:
        return HttpResponseNotAllowed(["GET"])  # a movement is posted to its own address
    can_record = facilities_for(request.user, "care.add_stockmovement").filter(pk=pk).exists()
    if can_record and form is None:
        form = MovementForm(user=request.user, facility=facility)
    context = {
        "facility": facility,
        "rows": [(row, cover_text(row)) for row in stock_rows([facility])],
        "movements": [(movement, signed(movement.effect)) for movement in movements_of(facility)],
        "form": form if can_record else None,
    }
    return render(request, "care/supplies/facility.html", context, status=status)


def movement_new(request, pk: int):
    require_permission(request.user, "care.add_stockmovement")
    facility = get_object_or_404(facilities_for(request.user, "care.add_stockmovement"), pk=pk)
    if request.method != "POST":
        return redirect("care:supply_facility", pk=pk)
    form = MovementForm(request.POST, user=request.user, facility=facility)
    if form.is_valid():
        try:
            movement_record(actor=request.user, facility=facility, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("care:supply_facility", pk=pk)
    return facility_stock(request, pk, form=form, status=422)


def low_stock_view(request):
    require_permission(request.user, SEE)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rows = [(row, cover_text(row)) for row in low_stock(request.user)]
    return render(request, "care/supplies/low.html", {"rows": rows})


# ---- Donations -------------------------------------------------------------------------------------------------


def donation_list(request):
    require_permission(request.user, "care.view_donation")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    donations = donations_with_totals(Donation.objects.visible_to(request.user).select_related("unit"))
    context = {
        "table": _paged(request, DonationTable(donations)),
        "can_add": has_permission_somewhere(request.user, "care.add_donation"),
    }
    return render(request, "care/supplies/donations.html", context)


def donation_new(request):
    require_permission(request.user, "care.add_donation")
    form = DonationForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda _data: donation_record(actor=request.user, **form.service_data()),
        title=_("A donation in kind"),
        success_message=_("Donation recorded: allocate it to the facilities below."),
        success_url=lambda donation: reverse("care:supply_donation", args=[donation.pk]),
        cancel_url=reverse("care:supply_donations"),
    )


def donation_detail(request, pk: int):
    """What a donation holds, what has gone to which facility, and the allocation form."""
    require_permission(request.user, "care.view_donation")
    donation = get_object_or_404(Donation.objects.visible_to(request.user).select_related("unit"), pk=pk)
    lines = donation_lines(donation)
    can_allocate = Donation.objects.restrict(request.user, "change").filter(pk=pk).exists()
    open_items = [state.line.item for state in lines if state.left > 0]
    posted = request.POST if request.method == "POST" else None
    form = AllocationForm(posted, user=request.user, items=open_items) if can_allocate else None
    if request.method == "POST":
        require_permission(request.user, "care.change_donation")
        if form is None:
            raise Http404  # seen, but not theirs to allocate: as if missing
        if form.is_valid():
            try:
                donation_allocate(actor=request.user, donation=donation, **form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Allocation recorded as a receipt at the facility."))
                return redirect("care:supply_donation", pk=pk)
    allocations = donation.allocations.select_related("facility", "item").order_by("-occurred_at", "-id")
    context = {
        "donation": donation,
        "lines": lines,
        "allocations": allocations,
        "form": form if open_items else None,
    }
    return render(request, "care/supplies/donation.html", context, status=422 if form and form.errors else 200)


# ---- The item catalogue ----------------------------------------------------------------------------------------


def item_list(request):
    require_permission(request.user, "care.change_supplyitem")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    table = _paged(request, SupplyItemTable(SupplyItem.objects.all()))
    can_add = has_permission_somewhere(request.user, "care.add_supplyitem")
    return render(request, "care/supplies/items.html", {"table": table, "can_add": can_add})


def item_new(request):
    require_permission(request.user, "care.add_supplyitem")
    form = SupplyItemForm(request.POST or None)
    return service_form(
        request,
        form,
        lambda data: supply_item_add(actor=request.user, **data),
        title=_("A new supply item"),
        success_message=_("Supply item saved."),
        success_url=lambda _item: reverse("care:supply_items"),
        cancel_url=reverse("care:supply_items"),
    )


def item_edit(request, pk: int):
    require_permission(request.user, "care.change_supplyitem")
    item = get_object_or_404(SupplyItem, pk=pk)
    form = SupplyItemForm(request.POST or None, instance=item)
    return service_form(
        request,
        form,
        lambda data: supply_item_update(actor=request.user, item=item, **_without_code(data)),
        title=_("Supply item %(code)s") % {"code": item.code},
        success_message=_("Supply item saved."),
        success_url=lambda _item: reverse("care:supply_items"),
        cancel_url=reverse("care:supply_items"),
    )


def _without_code(data: dict) -> dict:
    return {name: value for name, value in data.items() if name != "code"}  # an item's code never changes
