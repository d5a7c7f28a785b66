"""Fields and widgets only: the services validate and save. Choices are narrowed to what the user may see and where
they may act."""

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.places.choices import UnitLevel
from phongdich.places.forms import UnitChoiceField, units_for

from ..choices import BodyKind, InspectionRating, TaskStatus
from ..models import Body
from .attachments import ALLOWED, MAX_BYTES, MAX_FILES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
POINT_LINE = re.compile(r"^\[(?P<number>[^\]\n]{1,20})\]\s*(?P<text>.*)$")


def points_format(points) -> str:
    """Points as the form edits them: each starts on a line "[number]", its text after it."""
    return "\n\n".join(f"[{number}] {text}" for number, text in points)


def points_read(text: str) -> list[tuple[str, str]]:
    """The points of the form's box: a line "[4.a] …" starts point 4.a, the lines below it are its text. Lines
    before the first "[…]" make a point without a number, which the service refuses with its reason."""
    points: list[list[str]] = []
    for line in (text or "").splitlines():
        if match := POINT_LINE.match(line.strip()):
            points.append([match["number"].strip(), match["text"].strip()])
        elif points:
            points[-1][1] = f"{points[-1][1]}\n{line.rstrip()}"
        elif line.strip():
            points.append(["", line.strip()])
    return [(number, re.sub(r"\n{3,}", "\n\n", body).strip()) for number, body in points]


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, body) -> str:
        return body.name


class BodiesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, body) -> str:
        return body.name


def bodies_for(user):
    return Body.objects.visible_to(user).select_related("unit").order_by("unit__path", "name")


class DirectiveForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Issued for"),
        queryset=None,
        help_text=_("The province, district or commune whose steering committee follows the directive up."),
    )
    number = forms.CharField(label=_("Number"), max_length=60, help_text=_("e.g. 17-CT/TU"))
    issued_on = forms.DateField(label=_("Dated"), widget=DATE)
    issuing_body = forms.CharField(label=_("Issued by"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Paste the directive's text: its numbered points and its recipients are read from it."),
    )
    points = forms.CharField(
        label=_("Points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Each point starts on a line with its number in brackets, e.g. “[1] …”, “[4.a] …”; the lines below "
            "are its text. Left empty, the points are read from the text when saving."
        ),
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line. Left empty, read from the text's “Nơi nhận”."),
    )
    recipient_bodies = BodiesChoiceField(
        label=_("Recipient bodies"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Their members see the directive."),
    )
    source_file = forms.FileField(label=_("Source file"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, "command.add_directive").exclude(level=UnitLevel.GROUP)
        self.fields["recipient_bodies"].queryset = bodies_for(user)
        self.fields["source_file"].help_text = gettext(
            "The signed document as scanned: %(kinds)s, at most %(mb)d MB."
        ) % {
            "kinds": ALLOWED,
            "mb": MAX_BYTES // (1024 * 1024),
        }


class TaskForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Followed up in"),
        queryset=None,
        help_text=_("The unit whose steering committee follows the task up."),
    )
    title = forms.CharField(label=_("Task"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    lead = BodyChoiceField(label=_("Lead body"), queryset=None)
    coordinating = BodiesChoiceField(
        label=_("Coordinating bodies"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    expected_output = forms.CharField(
        label=_("Expected output"),
        max_length=400,
        required=False,
        help_text=_("e.g. a report to the steering committee, a plan approved, 100 percent of communes covered."),
    )

    def __init__(self, *args, user, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user, "command.add_task").exclude(level=UnitLevel.GROUP)
        if within is not None:
            units = units.filter(path__startswith=within.path)
        self.fields["unit"].queryset = units
        self.fields["lead"].queryset = bodies_for(user)
        self.fields["coordinating"].queryset = bodies_for(user)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class ProgressForm(forms.Form):
    body = BodyChoiceField(label=_("Reported by body"), queryset=Body.objects.none(), empty_label=None)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS.label), (TaskStatus.DONE, TaskStatus.DONE.label)],
        initial=TaskStatus.IN_PROGRESS,
    )
    percent = forms.IntegerField(label=_("Progress (percent)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(pk__in=[body.pk for body in bodies]).order_by("name")
        self.fields["files"].help_text = gettext("At most %(n)d files of %(mb)d MB each: %(kinds)s.") % {
            "n": MAX_FILES,
            "mb": MAX_BYTES // (1024 * 1024),
            "kinds": ALLOWED,
        }


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Close as"),
        choices=[(TaskStatus.DONE, TaskStatus.DONE.label), (TaskStatus.CANCELLED, TaskStatus.CANCELLED.label)],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the task is cancelled."),
    )


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE, initial=clock.today)
    inspectors = forms.CharField(label=_("Inspection team"), max_length=200)
    rating = forms.ChoiceField(label=_("Finding"), choices=InspectionRating.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    requests = forms.CharField(label=_("Requested actions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BodyForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, "command.add_body").exclude(level=UnitLevel.GROUP)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user} ({user.username})" if user.full_name else user.username


class MembersForm(forms.Form):
    members = UsersChoiceField(
        label=_("Members"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Users holding a role in the body's unit or below it. Members see the body's tasks and report them."
        ),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = choices
