import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core.audit_display import describe
from phongdich.core.exports import csv_download
from phongdich.core.scoping import has_permission_somewhere, scope_of
from phongdich.core.views import ScopedListView, service_form
from phongdich.places.choices import UnitLevel

from .filtersets import PersonFilterSet
from .forms import MergeForm, PersonForm, ResidenceChangeForm
from .models import Person
from .selectors import (
    duplicate_candidates,
    looks_like_name,
    name_people,
    person_candidates,
    person_for_reading,
    person_history,
    persons_for_export,
)
from .services import person_create, person_merge, person_update, residence_change_record
from .tables import PersonTable


class PersonListView(ScopedListView):
    model = Person
    filterset_class = PersonFilterSet
    table_class = PersonTable
    permission = "people.view_person"
    title = gettext_lazy("Persons")
    template_name = "people/person_list.html"

    def base_queryset(self):
        # Alphabetical unless a name search orders by the matched form (people.selectors.person_search).
        return super().base_queryset().active().select_related("unit__parent").order_by("name_search", "id")

    def extra_context(self):
        user = self.request.user
        return {
            "can_add": has_permission_somewhere(user, "people.add_person"),
            "can_export": has_permission_somewhere(user, "people.export_person"),
        }


def person_detail(request, pk):
    try:
        person = person_for_reading(request.user, pk)
    except Person.DoesNotExist as error:
        raise Http404 from error
    user = request.user
    name_people(user, [person], merged_into_ref="merged_into_id")
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "residence_changes": person.residence_changes.select_related("from_unit", "to_unit")[:50],
            "residence_chain": [*person.unit.ancestors().exclude(level=UnitLevel.PROVINCE), person.unit],
            "history": describe(person_history(person), user),
            "can_change": scope_of(user, "people.change_person").covers_path(person.unit.path),
            "can_merge": scope_of(user, "people.merge_person").covers_path(person.unit.path),
        },
    )


def person_create_view(request):
    if not has_permission_somewhere(request.user, "people.add_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None, user=request.user, action="add")
    return service_form(
        request,
        form,
        lambda data: person_create(actor=request.user, **data),
        title=_("Register a person"),
        success_message=_("The person has been registered."),
        success_url=lambda person: person.get_absolute_url(),
    )


def person_edit(request, pk):
    person = get_object_or_404(Person.objects.restrict(request.user, "change").active(), pk=pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user, action="change")
    return service_form(
        request,
        form,
        lambda data: person_update(actor=request.user, person=person, **data),
        title=_("Edit %(name)s") % {"name": person},
        success_message=_("The changes have been saved."),
        success_url=lambda saved: saved.get_absolute_url(),
        cancel_url=person.get_absolute_url(),
    )


def residence_change_create(request, pk):
    person = get_object_or_404(Person.objects.restrict(request.user, "change").active(), pk=pk)
    form = ResidenceChangeForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda data: residence_change_record(actor=request.user, person=person, **data),
        title=_("Residence change: %(name)s") % {"name": person},
        success_message=_("The residence change has been recorded."),
        success_url=lambda change: change.person.get_absolute_url(),
        cancel_url=person.get_absolute_url(),
    )


def person_pick(request):
    """The people a point-of-care person field's name matches, in the user's area, to choose from (htmx)."""
    if not has_permission_somewhere(request.user, "people.view_person"):
        raise PermissionDenied
    field = request.GET.get("field", "")
    field = field if re.fullmatch(r"[a-z_]{1,40}", field) else "person"
    text = request.GET.get(field, "")
    people = Person.objects.restrict(request.user, "view").active()
    candidates = person_candidates(people, text, user=request.user)
    context = {"field": field, "candidates": candidates, "searched": looks_like_name(text)}
    return render(request, "people/_person_candidates.html", context)


def duplicates(request):
    if not has_permission_somewhere(request.user, "people.merge_person"):
        raise PermissionDenied
    return render(request, "people/duplicates.html", {"groups": duplicate_candidates(request.user)})


@require_POST
def merge(request, pk):
    visible = Person.objects.restrict(request.user, "merge").active()
    survivor = get_object_or_404(visible, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        raise Http404
    duplicate = get_object_or_404(visible, pk=form.cleaned_data["duplicate"])
    try:
        person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:duplicates")
    messages.success(request, _("%(dup)s has been merged into %(name)s.") % {"dup": duplicate, "name": survivor})
    return redirect(survivor)


EXPORT_FIELDS = ["full_name", "birth_date", "birth_year", "sex", "id_number", "phone"]
EXPORT_DETAILS = ["address", "occupation", "chronic_disease", "pregnant"]


def _field_label(name: str) -> str:
    return capfirst(Person._meta.get_field(name).verbose_name)


def _export_header() -> list[str]:
    return [
        _("Person id"),
        *map(_field_label, EXPORT_FIELDS),
        _("Unit code"),
        _("Unit"),
        *map(_field_label, EXPORT_DETAILS),
    ]


def export_csv(request):
    """The filtered list as CSV (UTF-8 with BOM for Excel), audited with the filter and the row count."""
    if not has_permission_somewhere(request.user, "people.export_person"):
        raise PermissionDenied
    base = Person.objects.restrict(request.user, "export").active()
    filterset = PersonFilterSet(request.GET, queryset=base, user=request.user)
    if not filterset.is_valid():
        raise Http404
    queryset = persons_for_export(request.user, filterset)
    rows = (
        [
            p.pk,
            p.full_name,
            p.birth_date,
            p.birth_year,
            p.get_sex_display(),
            p.id_number,
            p.phone,
            p.unit.code,
            p.unit.name,
            p.address,
            p.occupation,
            p.chronic_disease,
            p.pregnant,
        ]
        for p in queryset.iterator(chunk_size=2000)
    )
    return csv_download("persons.csv", _export_header(), rows)
