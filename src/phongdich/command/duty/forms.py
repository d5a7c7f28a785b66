"""Fields and widgets only: the services validate and save. Unit, officer, body and record choices are narrowed to
what the user may see."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import scope_of
from phongdich.places.forms import UnitChoiceField

from ..choices import OPEN_TASK_STATUSES, AlertState, EntryCategory, EntrySource
from ..models import Alert, Body, Task
from .selectors import duty_officers_around, duty_units

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_CHOICES = 200


def now_to_the_minute():
    return timezone.localtime(clock.now()).replace(second=0, microsecond=0)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class ShiftForm(forms.Form):
    unit = UnitChoiceField(label=_("Command centre of"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    lead = forms.ModelChoiceField(label=_("Shift lead"), queryset=None)
    officers = PeopleChoiceField(
        label=_("Officers"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Who holds a duty role over the unit, there or above it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = duty_units(user, "command.add_dutyshift")
        people = duty_officers_around(scope_of(user, "command.add_dutyshift"))
        self.fields["lead"].queryset = people
        self.fields["officers"].queryset = people


class EntryForm(forms.Form):
    """The quick form of the board (time, source, caller, category, content, actions) and, on its own page, the
    records the entry concerns."""

    at = forms.DateTimeField(
        label=_("Time"),
        widget=DATETIME,
        initial=now_to_the_minute,
        help_text=_(
            "When the call or report came in. Logging late is fine: any time from an hour before the shift started "
            "to its end, not in the future."
        ),
    )
    source = forms.ChoiceField(label=_("Source"), choices=EntrySource.choices, initial=EntrySource.PHONE)
    caller = forms.CharField(label=_("Caller"), max_length=200, required=False, help_text=_("Who called or reported."))
    category = forms.ChoiceField(label=_("Category"), choices=EntryCategory.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("Actions taken"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryLinksForm(EntryForm):
    case = forms.IntegerField(
        label=_("Case number"),
        required=False,
        min_value=1,
        help_text=_("The number of a case on the tracing pages, when the entry concerns one."),
    )
    task = forms.ModelChoiceField(label=_("Task"), queryset=None, required=False)
    alert = forms.ModelChoiceField(label=_("Alert"), queryset=None, required=False)

    def __init__(self, *args, user, shift, **kwargs):
        super().__init__(*args, **kwargs)
        path = shift.unit.path
        near = Q(unit__path__startswith=path) | Q(unit__path__in=shift.unit.ancestor_paths())
        tasks = Task.objects.visible_to(user).filter(near, status__in=OPEN_TASK_STATUSES).order_by("deadline", "pk")
        self.fields["task"].queryset = Task.objects.filter(
            pk__in=list(tasks.values_list("pk", flat=True)[:MAX_CHOICES])
        )
        alerts = Alert.objects.visible_to(user).filter(unit__path__startswith=path).exclude(state=AlertState.RESOLVED)
        self.fields["alert"].queryset = Alert.objects.filter(
            pk__in=list(alerts.order_by("-raised_at").values_list("pk", flat=True)[:MAX_CHOICES])
        ).order_by("-raised_at")


class HandoverForm(forms.Form):
    note = forms.CharField(
        label=_("Handover note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is pending, what the next shift must follow up, what to watch."),
    )
    to_shift = forms.IntegerField(widget=forms.HiddenInput)


class BriefingForm(forms.Form):
    unit = UnitChoiceField(label=_("Command centre of"), queryset=None)
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME)
    title = forms.CharField(label=_("Title"), max_length=200)
    chair = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = duty_units(user, "command.add_briefing")


class MinutesForm(forms.Form):
    attendees = PeopleChoiceField(
        label=_("Attended"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Bodies present"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    absent_note = forms.CharField(label=_("Absent"), max_length=400, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, people, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people
        self.fields["bodies"].queryset = bodies


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionTaskForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Lead body"), queryset=None)
    coordinating = forms.ModelMultipleChoiceField(
        label=_("Coordinating bodies"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    expected_output = forms.CharField(label=_("Expected output"), max_length=400, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.visible_to(user).order_by("name")
        self.fields["lead"].queryset = bodies
        self.fields["coordinating"].queryset = bodies
