"""The directives' and tasks' list filters, shared by the pages and the API. The choices of bodies and directives
are those the user sees."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.surveillance.filtersets import UnitFilterSet

from ..choices import OPEN_TASK_STATUSES, TaskStatus
from ..models import Body, Directive, Task
from .selectors import REMIND_DAYS, directives_visible_to, member_body_ids

STAGES = [
    ("open", _("Open (not started or in progress)")),
    ("due_soon", _("Due within two days")),
]


class DirectiveFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), method="search")
    year = django_filters.NumberFilter(label=_("Year"), field_name="issued_on", lookup_expr="year")

    class Meta:
        model = Directive
        fields = ["q", "unit", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].extra["empty_label"] = ""
        self.filters["unit"].label = _("Issued for")

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Task"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices, empty_label=_("All"))
    stage = django_filters.ChoiceFilter(label=_("Show"), choices=STAGES, method="by_stage", empty_label=_("All"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")
    body = django_filters.ModelChoiceFilter(
        label=_("Body (lead or coordinating)"), queryset=Body.objects.none(), method="by_body"
    )
    directive = django_filters.ModelChoiceFilter(label=_("Directive"), queryset=Directive.objects.none())

    class Meta:
        model = Task
        fields = ["q", "status", "stage", "overdue", "body", "directive"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        seen = Body.objects.visible_to(user)
        if not isinstance(user, str) and getattr(user, "pk", None):
            seen = seen | Body.objects.filter(pk__in=member_body_ids(user))
        self.filters["body"].queryset = seen.order_by("name")
        self.filters["directive"].queryset = directives_visible_to(user).order_by("-issued_on", "number")
        self.filters["overdue"].field.widget = django_filters.widgets.BooleanWidget()

    def by_stage(self, queryset, name, value):
        today = clock.today()
        open_ = queryset.filter(status__in=OPEN_TASK_STATUSES)
        return {
            "open": open_,
            "due_soon": open_.filter(deadline__gte=today, deadline__lte=today + timedelta(days=REMIND_DAYS)),
        }.get(value, queryset)

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_TASK_STATUSES, deadline__lt=clock.today())

    def by_body(self, queryset, name, body):
        if not body:
            return queryset
        coordinated = Task.coordinating.through.objects.filter(body_id=body.pk).values("task_id")
        return queryset.filter(Q(lead=body) | Q(pk__in=coordinated))
