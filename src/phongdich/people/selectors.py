"""Reads of people that carry a rule: search, audited full-record reads, duplicate candidates."""

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from phongdich.core import audit, validators
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import scope_filter, scope_of
from phongdich.core.text import fold
from phongdich.core.validators import normalize_phone
from phongdich.places.choices import UnitLevel

from .cards import is_card_text
from .models import Person, PersonSearchKey


def person_search(queryset: QuerySet, text: str, *, user=None) -> QuerySet:
    """Match a name with or without diacritics, starting at any of its words ("nguyen thi hang",
    "thi hang", "hang"), ordered by the matched form; or an exact CCCD/CMND or phone number.
    `user`, when `queryset` is what they may see, has their jurisdiction checked in the search index too, so a
    commune's search reads only the commune's matches, not every match in the province."""
    text = (text or "").strip()
    digits = re.sub(r"[\s.+()-]", "", text)
    if digits.isdigit() and len(digits) >= 9:
        numbers = Q(id_number=digits)
        with contextlib.suppress(ValidationError):
            numbers |= Q(phone=normalize_phone(text))
        return queryset.filter(numbers)
    folded = fold(text)
    if not folded:
        return queryset
    matches = Q(search_keys__key__prefix=folded)
    scope = scope_of(user, "people.view_person") if user is not None else None
    if scope is not None and not scope.is_provincial:  # a province's scope holds nearly every match anyway
        matches &= scope_filter(PersonSearchKey, scope, through="search_keys")  # the same join: one filter()
    return (
        queryset.filter(matches)
        .annotate(search_key=F("search_keys__key"), search_person=F("search_keys__person_id"))
        .order_by("search_key", "search_person")
    )


def search_order(text: str) -> tuple[str, str]:
    """The (unique) ordering person_search gives, for keyset pagination."""
    digits = re.sub(r"[\s.+()-]", "", (text or "").strip())
    if fold(text or "") and not (digits.isdigit() and len(digits) >= 9):
        return ("search_key", "search_person")
    return ("name_search", "id")


def person_for_reading(user, pk: int) -> Person:
    """A full person record the user may see, with the read written to the audit trail. Raises DoesNotExist."""
    person = Person.objects.visible_to(user).select_related("unit", "household", "workplace").get(pk=pk)
    audit.record(actor=user, action=AuditAction.READ, instance=person, person_id=person.pk, unit_path=person.unit.path)
    return person


def person_history(person: Person, limit: int = 50) -> list:
    """Changes to a person's record (not reads), newest first, for the record page: their audit rows and the
    results their samples got from lab files (audited once per file, read through each sample's import)."""
    from phongdich.core.models import AuditEvent
    from phongdich.labs.selectors import imported_results

    changes = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.MERGE]
    audited = AuditEvent.objects.filter(person_id=person.pk, action__in=changes).order_by("-at", "-id")[:limit]
    entries = [*audited, *imported_results(person.pk, limit)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


@dataclass
class DuplicateGroup:
    reason: str
    persons: list[Person]


def duplicate_candidates(user, limit: int = 100) -> list[DuplicateGroup]:
    """Groups of active persons in the user's merge scope sharing a CCCD/CMND, or a name, birth date and commune."""
    base = Person.objects.restrict(user, "merge").active()
    shared_ids = list(
        base.exclude(id_number="")
        .values("id_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("id_number", flat=True)[:limit]
    )
    shared_names = list(
        base.exclude(birth_date=None)
        .values("name_search", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name_search", "birth_date")[:limit]
    )
    groups = []
    if shared_ids:
        by_id = defaultdict(list)
        for person in base.filter(id_number__in=shared_ids).select_related("unit").order_by("id"):
            by_id[person.id_number].append(person)
        groups += [DuplicateGroup("same_id_number", members) for members in by_id.values()]
    if shared_names:
        name_query = Q(pk__in=[])
        for name, born in shared_names:
            name_query |= Q(name_search=name, birth_date=born)
        by_name = defaultdict(list)
        for person in base.filter(name_query).select_related("unit").order_by("id"):
            by_name[(person.name_search, person.birth_date, commune_id(person.unit))].append(person)
        groups += [DuplicateGroup("same_name_birth_commune", m) for m in by_name.values() if len(m) > 1]
    return groups[:limit]


def commune_id(unit) -> int:
    return unit.parent_id if unit.level == UnitLevel.GROUP else unit.pk


EXPORT_LIMIT = 100_000


def persons_for_export(user, filterset) -> QuerySet:
    """The rows of a filtered person list for export (at most EXPORT_LIMIT), with the export audited."""
    queryset = filterset.qs.select_related("unit").order_by("name_search", "id")[:EXPORT_LIMIT]
    chosen_unit = filterset.form.cleaned_data.get("unit") if filterset.is_valid() else None
    with transaction.atomic():
        count = queryset.count()
        audit.record(
            actor=user,
            action=AuditAction.EXPORT,
            object_type="people.person",
            object_repr=_("%(n)d persons") % {"n": count},
            unit_path=chosen_unit.path if chosen_unit else audit.top_unit_path(user),
            detail={"filters": dict(filterset.data.items()), "rows": count},
        )
    return queryset


def person_by_number(people: QuerySet, text: str) -> Person:
    """The one person among `people` with this CCCD/CMND or phone number, or a ValidationError saying why not."""
    try:
        matches = list(people.filter(id_number=validators.normalize_id_number(text))[:2])
    except ValidationError:
        try:
            matches = list(people.filter(phone=validators.normalize_phone(text))[:2])
        except ValidationError as error:
            raise ValidationError(_("Enter a CCCD/CMND or a phone number.")) from error
    if not matches:
        raise ValidationError(_("No one in your jurisdiction has this number; register the person first."))
    if len(matches) > 1:
        raise ValidationError(_("Several people share this number; use the CCCD/CMND."))
    return matches[0]


@dataclass(frozen=True)
class PersonRef:
    """A person a page names in passing (the source of an F-level, the other party of a contact, a pool member):
    their name, linked, inside the viewer's scope; outside it only a masked reference, which the viewer can
    quote to the area responsible. Pages show `{{ ref.link }}`; files and PDFs write `str(ref)`."""

    pk: int
    name: str | None  # None: outside the viewer's scope
    address: str = ""  # where to find them (a door-to-door visit): inside the viewer's scope only
    phone: str = ""

    @property
    def visible(self) -> bool:
        return self.name is not None

    def __str__(self) -> str:
        return self.name if self.name is not None else _("person #%(pk)s, outside your jurisdiction") % {"pk": self.pk}

    @property
    def link(self) -> str:
        if self.name is None:
            return format_html('<span class="masked">{}</span>', str(self))
        return format_html('<a href="{}">{}</a>', reverse("people:detail", args=[self.pk]), self.name)


def person_refs(user, person_ids) -> dict[int, PersonRef]:
    """Each person id as the viewer may see it, in one query whatever the number of ids."""
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return {}
    visible = Person.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", "full_name", "address", "phone")
    found = {pk: PersonRef(pk, name, address, phone) for pk, name, address, phone in visible}
    return {pk: found.get(pk) or PersonRef(pk, None) for pk in wanted}


def name_people(user, rows, **refs: str) -> list:
    """Put a PersonRef on each row for each related person: `name_people(user, states, via_ref="via_id")` sets
    `state.via_ref` from `state.via_id`. Every page, table and file that names a related person goes through
    here (or `person_refs`), so none prints a name the viewer may not see. One query for all rows."""
    rows = list(rows)
    found = person_refs(user, {getattr(row, source) for row in rows for source in refs.values()})
    for row in rows:
        for target, source in refs.items():
            setattr(row, target, found.get(getattr(row, source)))
    return rows


CANDIDATE_LIMIT = 10
_BIRTH_YEAR = re.compile(r"^(?P<name>.*?)[\s,]+(?P<year>(18|19|20)\d\d)$")


def looks_like_name(text: str) -> bool:
    """Whether a person field's text is a name (with or without a year of birth), not a number or a card."""
    return any(char.isalpha() for char in text) and not is_card_text(text)


def person_candidates(people: QuerySet, text: str, *, user) -> list[Person]:
    """The people among `people` a point-of-care search names: a name with or without diacritics, and the year
    of birth when the text ends with one ("Nguyễn Thị Hằng 1986"), for children and the elderly, who often have
    neither a CCCD nor a phone. At most CANDIDATE_LIMIT, in the search's order."""
    text = (text or "").strip()
    if not looks_like_name(text):
        return []
    parts = _BIRTH_YEAR.match(text)
    name, year = (parts["name"], int(parts["year"])) if parts else (text, None)
    matches = person_search(people, name, user=user).select_related("unit__parent")
    if year is not None:
        matches = matches.filter(birth_year=year)
    found: dict[int, Person] = {}
    for person in matches[: CANDIDATE_LIMIT * 3]:  # a person matched through several of their names once
        found.setdefault(person.pk, person)
    return list(found.values())[:CANDIDATE_LIMIT]
