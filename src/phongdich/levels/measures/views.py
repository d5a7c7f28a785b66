"""The measures pages: the table activity × level of the version in force (or of an earlier one) with every version's
document; a new version, by the province, its grid filled in from the one in force; and, per unit, what is allowed
there now and what would change if its level went up or down."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from phongdich.core.scoping import require_permission, scope_of
from phongdich.core.views import add_form_errors
from phongdich.places.models import AdminUnit

from ..choices import COLOUR_NAMES
from ..models import MeasureRules
from .forms import MeasureRulesForm
from .selectors import allowed_here, measures_in_force, measures_table
from .services import measure_rules_add

SEE = "levels.view_measurerules"
UNITS_LISTED = 300  # the unit picker: the province, its districts and communes first


def may_add(user) -> bool:
    return scope_of(user, "levels.add_measurerules").is_provincial


def measures_view(request):
    """The version in force (or `?version=` an earlier or later one) as a table, and the list of versions; `?unit=`
    goes to what is allowed in that unit."""
    require_permission(request.user, SEE)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        return redirect("levels:allowed", unit_pk=int(unit))
    versions = list(MeasureRules.objects.order_by("-effective_from"))
    current = measures_in_force()
    chosen = current
    if "version" in request.GET:
        chosen = next((v for v in versions if str(v.pk) == request.GET["version"]), None)
        if chosen is None:
            raise Http404
    context = {
        "rules": chosen,
        "current": current,
        "rows": measures_table(chosen) if chosen.pk else [],
        "versions": versions,
        "can_add": may_add(request.user),
        "units": unit_choices(request.user),
    }
    return render(request, "levels/measures/measures.html", context)


def unit_choices(user) -> list[tuple[int, str]]:
    """The units the user may open, the highest first and at most UNITS_LISTED, in tree order, each indented under
    the one above it."""
    units = list(
        AdminUnit.objects.visible_to(user).order_by("depth", "path").only("pk", "name", "depth", "path")[:UNITS_LISTED]
    )
    top = min((unit.depth for unit in units), default=0)
    return [(unit.pk, "– " * (unit.depth - top) + unit.name) for unit in sorted(units, key=lambda unit: unit.path)]


def measures_new_view(request):
    """A new version, province-wide: the grid starts from the version in force today."""
    if not may_add(request.user):
        raise PermissionDenied
    form = MeasureRulesForm(request.POST or None, current=measures_in_force())
    if request.method == "POST" and form.is_valid():
        try:
            version = measure_rules_add(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("New measures by level saved, in force from %(date)s.")
                % {"date": version.effective_from.strftime("%d/%m/%Y")},
            )
            return redirect("levels:measures")
    return render(request, "levels/measures/form.html", {"form": form})


def allowed_view(request, unit_pk: int):
    """What is allowed here now: the level in effect in the unit, since when, under which version, each activity's
    rule at that level, and what would change if the level went up or down."""
    require_permission(request.user, SEE)
    unit = get_object_or_404(AdminUnit.objects.visible_to(request.user).select_related("parent"), pk=unit_pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    allowed = allowed_here(unit)
    context = {
        "allowed": allowed,
        "colour": COLOUR_NAMES.get(allowed.level, ""),
        "rows": allowed.rows,
    }
    return render(request, "levels/measures/allowed.html", context)
