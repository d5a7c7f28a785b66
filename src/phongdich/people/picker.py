"""Finding a person at the point of care (a dose, a sample): one field that takes a CCCD/CMND, a phone number,
a name with the year of birth, or the personal QR card (its text from a scanner, or a photo of it decoded on the
server, as /verify does, since phone browsers often cannot read QR codes themselves). A name shows the people
it matches to choose from (people/_person_candidates.html, loaded by htmx as it is typed); whatever the way,
the person chosen is looked up again in the user's scope when the form is sent."""

from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from phongdich.core.pictures import PictureRefused, qr_text

from .cards import card_holder_id, is_card_text
from .models import Person
from .selectors import looks_like_name, person_by_number, person_candidates


@dataclass(frozen=True)
class Picked:
    """What the person field sent: the typed text, the candidate chosen (an id, as text), a card photo."""

    text: str = ""
    chosen: str = ""
    photo: object = None

    def __str__(self) -> str:
        return self.text


class PersonPicker(forms.Widget):
    template_name = "people/_person_picker.html"
    needs_multipart_form = True  # the photo of a personal QR card

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.candidates: list[Person] = []
        self.chosen: int | None = None

    def value_from_datadict(self, data, files, name):
        return Picked(data.get(name, ""), data.get(f"{name}_person", ""), files.get(f"{name}_card"))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_person" not in data and f"{name}_card" not in files

    def format_value(self, value):
        """The typed text again after a refused submit; a bound form's value is what the field sent."""
        if isinstance(value, Picked):
            return value.text
        return str(value) if value else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(candidates=self.candidates, chosen=self.chosen)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return render_to_string(self.template_name, self.get_context(name, value, attrs))  # the project's templates


class PersonPickerField(forms.Field):
    """The person a form is about. The form sets `people` (whom a name, a choice and a card may find: the user's
    area), `user`, and, when numbers reach further (site staff vaccinate whoever comes), `by_number`."""

    widget = PersonPicker
    default_error_messages = {
        "required": _("Enter a CCCD/CMND, a phone number, or a name and year of birth."),
        "none": _("No one in your jurisdiction matches; check the name and year of birth, or register the person."),
        "several": _("Several people match: choose one below."),
        "card": _("No personal QR card was found in the photo; take it again, closer and in focus."),
        "forged": _("This personal QR code was not issued by the platform."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("CCCD/CMND, phone number, or name and year of birth (Nguyễn Văn An 1950)."))
        super().__init__(**kwargs)
        self.people: QuerySet = Person.objects.none()
        self.by_number: QuerySet | None = None
        self.user = None

    def clean(self, value: Picked) -> Person:
        value = value or Picked()
        person = self._resolve(value)
        self.widget.candidates, self.widget.chosen = [person], person.pk  # kept chosen if the form comes back
        return person

    def _resolve(self, value: Picked) -> Person:
        text = value.text.strip()
        if value.chosen.isdigit():
            return self._one(self.people.filter(pk=int(value.chosen)))
        if value.photo is not None:
            text = self._card_in(value.photo)
        if not text:
            raise ValidationError(self.error_messages["required"], code="required")
        numbers = self.by_number if self.by_number is not None else self.people
        if is_card_text(text):
            try:
                return self._one(numbers.filter(pk=card_holder_id(text)))
            except signing.BadSignature as error:
                raise ValidationError(self.error_messages["forged"], code="forged") from error
        if not looks_like_name(text):
            return person_by_number(numbers, text)
        candidates = person_candidates(self.people, text, user=self.user)
        if len(candidates) == 1:
            return candidates[0]
        self.widget.candidates = candidates
        raise ValidationError(self.error_messages["several" if candidates else "none"], code="ambiguous")

    def _one(self, people: QuerySet) -> Person:
        person = people.first()
        if person is None:  # outside the user's area or never registered: the same answer
            raise ValidationError(self.error_messages["none"], code="none")
        return person

    def _card_in(self, photo) -> str:
        try:
            text = qr_text(photo.read())
        except PictureRefused as error:
            raise ValidationError(str(error), code=error.code) from error
        if not text or not is_card_text(text):
            raise ValidationError(self.error_messages["card"], code="card")
        return text
