"""Every write to people's records: validated, scoped to the actor's jurisdiction, audited in the same transaction."""

import secrets
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.text import search_keys
from phongdich.core.validators import normalize_id_number, normalize_phone
from phongdich.places.choices import UnitLevel

from .choices import RELOCATING_KINDS, ResidenceChangeKind, Sex
from .models import Household, Person, PersonMerge, PersonSearchKey, ResidenceChange

EDITABLE_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "id_number",
    "phone",
    "nationality",
    "unit",
    "household",
    "address",
    "occupation",
    "workplace",
    "chronic_disease",
    "pregnant",
)
# Fields a merge copies from the duplicate where the survivor has nothing.
FILLABLE_FIELDS = ("birth_date", "birth_year", "id_number", "phone", "household", "address", "occupation", "workplace")


def person_create(*, actor, **fields) -> Person:
    with transaction.atomic():
        person = Person()
        _apply(person, fields, actor=actor, permission="people.add_person")
        person.save()
        _sync_search_keys(person)
        _audit(actor, AuditAction.CREATE, person, after=audit.snapshot(person))
    return person


def person_check(*, actor, permission: str, **fields) -> dict[str, list[str]]:
    """The errors person_create or person_update would report for these fields, without saving anything, so a
    form whose own fields failed can still report every error at once (a missing unit and a bad CCCD)."""
    try:
        _apply(Person(), fields, actor=actor, permission=permission)
    except ValidationError as error:
        return error.message_dict
    return {}


def person_update(*, actor, person: Person, **changes) -> Person:
    """Apply `changes`; a person who left the actor's jurisdiction meanwhile raises OutOfScope."""
    with transaction.atomic():
        current = _locked(actor, person.pk, "change")
        before = audit.snapshot(current)
        _apply(
            current,
            {**{f: getattr(current, f) for f in EDITABLE_FIELDS}, **changes},
            actor=actor,
            permission="people.change_person",
        )
        after = audit.snapshot(current)
        old, new = audit.diff(before, after)
        if new:
            current.save(update_fields=[*_field_names(new), "updated_at"])
            if "full_name" in new or "unit_id" in new:
                _sync_search_keys(current)
            _audit(actor, AuditAction.UPDATE, current, before=old, after=new)
    return current


def person_merge(*, actor, survivor: Person, duplicate: Person) -> PersonMerge:
    """Fold `duplicate` into `survivor`: its records move over, empty survivor fields are filled from it,
    and it stays as a row pointing at the survivor, so both histories remain readable."""
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": _("A person cannot be merged with themself.")})
    with transaction.atomic():
        keep = _locked(actor, survivor.pk, "merge")
        drop = _locked(actor, duplicate.pk, "merge")
        moved = _move_related_records(drop, keep)
        filled = [f for f in FILLABLE_FIELDS if not getattr(keep, f) and getattr(drop, f)]
        before = audit.snapshot(keep)
        for name in filled:
            setattr(keep, name, getattr(drop, name))
        if filled:
            keep.save(update_fields=[*_field_names(dict.fromkeys(filled)), "updated_at"])
        drop.merged_into = keep
        drop.save(update_fields=["merged_into", "updated_at"])
        drop.search_keys.all().delete()  # a merged record is no longer found by name
        merge = PersonMerge.objects.create(
            survivor=keep, merged=drop, merged_by=actor, moved=moved, filled_fields=filled
        )
        old, new = audit.diff(before, audit.snapshot(keep))
        detail = {"merge_id": merge.pk, "merged_person": drop.pk, "moved": moved}
        _audit(actor, AuditAction.MERGE, keep, before=old, after=new, detail=detail)
        _audit(actor, AuditAction.MERGE, drop, after={"merged_into": keep.pk}, detail=detail)
    return merge


def residence_change_record(
    *, actor, person: Person, kind: str, date: date, to_unit=None, origin: str = "", note: str = ""
) -> ResidenceChange:
    """Record a move or arrival; moves that relocate the person update their residence (and drop the household)."""
    errors = {}
    if date > clock.today():
        errors["date"] = _("The date is in the future.")
    if kind in RELOCATING_KINDS and to_unit is None:
        errors["to_unit"] = _("Say where the person now lives.")
    if kind == ResidenceChangeKind.MOVED_OUT and to_unit is not None:
        errors["to_unit"] = _("A person who moved out of the province has no new unit here; use 'coming from'.")
    if to_unit is not None and not scope_of(actor, "people.change_person").covers_path(to_unit.path):
        errors["to_unit"] = _(
            "%(unit)s is outside your jurisdiction. The officer of the receiving unit (or a higher level) "
            "records this move."
        ) % {"unit": to_unit}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(actor, person.pk, "change")
        change = ResidenceChange.objects.create(
            person=current,
            kind=kind,
            date=date,
            from_unit=current.unit,
            to_unit=to_unit,
            origin=origin,
            note=note,
            recorded_by=actor,
        )
        _audit(actor, AuditAction.CREATE, current, instance=change, after=audit.snapshot(change))
        if to_unit is not None and to_unit.pk != current.unit_id:
            household = current.household if current.household and current.household.unit_id == to_unit.pk else None
            person_update(actor=actor, person=current, unit=to_unit, household=household)
    return change


def household_create(*, actor, unit, address: str = "", code: str = "") -> Household:
    if not scope_of(actor, "people.add_household").covers_path(unit.path):
        raise ValidationError({"unit": _("%(unit)s is outside your jurisdiction.") % {"unit": unit}})
    with transaction.atomic():
        household = Household.objects.create(
            unit=unit, address=address, code=code or f"{unit.code}-{secrets.token_hex(4)}"
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=household,
            unit_path=unit.path,
            after=audit.snapshot(household),
        )
    return household


def _audit(actor, action: str, person: Person, instance=None, **fields) -> None:
    """An audit row about `person` (or a record of theirs), findable by person and by unit."""
    audit.record(
        actor=actor,
        action=action,
        instance=instance or person,
        person_id=person.pk,
        unit_path=person.unit.path,
        **fields,
    )


def _sync_search_keys(person: Person) -> None:
    person.search_keys.all().delete()
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(person=person, unit_id=person.unit_id, key=key) for key in search_keys(person.name_search)
    )


def _locked(actor, pk: int, action: str) -> Person:
    person = (
        Person.objects.restrict(actor, action)
        .select_for_update()
        .select_related("unit")
        .filter(pk=pk, merged_into__isnull=True)
        .first()
    )
    if person is None:
        raise OutOfScope(pk)
    return person


def _field_names(changed: dict) -> list[str]:
    """Model field names for snapshot keys ('unit_id' -> 'unit'), plus the derived name columns."""
    names = {key.removesuffix("_id") if key.endswith("_id") and key != "id" else key for key in changed}
    if "full_name" in names:
        names.add("name_search")
    return sorted(names)


def _apply(person: Person, fields: dict, *, actor, permission: str) -> None:
    """Validate every field (collecting all errors) and set them on `person`."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    errors: dict[str, str] = {}
    values = {name: fields.get(name, getattr(person, name, None)) for name in EDITABLE_FIELDS}
    today = clock.today()

    full_name = (values["full_name"] or "").strip()
    if len(full_name) < 2:
        errors["full_name"] = _("Enter the person's full name.")
    birth_date, birth_year = values["birth_date"], values["birth_year"]
    if birth_date and birth_date > today:
        errors["birth_date"] = _("The date of birth is in the future.")
    elif birth_date and birth_year and birth_date.year != birth_year:
        errors["birth_year"] = _("The year of birth does not match the date of birth.")
    birth_year = birth_date.year if birth_date else birth_year
    if "birth_date" not in errors and birth_year is not None and not 1880 <= birth_year <= today.year:
        errors["birth_year"] = _("Enter a year between 1880 and %(year)d.") % {"year": today.year}
    sex = values["sex"] or Sex.UNKNOWN
    if sex not in Sex.values:
        errors["sex"] = _("Choose male, female or unknown.")
    normalizers: list[tuple[str, Callable[[str], str]]] = [
        ("id_number", lambda v: normalize_id_number(v, birth_year=birth_year, sex=sex)),
        ("phone", normalize_phone),
    ]
    for name, normalize in normalizers:
        if raw := values[name]:
            try:
                values[name] = normalize(raw)
            except ValidationError as error:
                errors[name] = error.messages[0]
    unit, household = values["unit"], values["household"]
    if unit is None:
        errors["unit"] = _("Choose the place of residence.")
    elif not scope_of(actor, permission).covers_path(unit.path):
        errors["unit"] = _("%(unit)s is outside your jurisdiction.") % {"unit": unit}
    elif unit.level not in (UnitLevel.COMMUNE, UnitLevel.GROUP):
        errors["unit"] = _("Choose a commune or a residential group, not a whole %(level)s.") % {
            "level": unit.get_level_display().lower()
        }
    if household is not None and unit is not None and household.unit_id != unit.pk:
        errors["household"] = _("The household is registered in %(unit)s, not in the person's unit.") % {
            "unit": household.unit
        }
    if values["pregnant"] and sex == Sex.MALE:
        errors["pregnant"] = _("Only a female person can be recorded as pregnant.")
    if errors:
        raise ValidationError(errors)
    person.set_name(full_name)
    for name in EDITABLE_FIELDS:
        if name != "full_name":
            setattr(person, name, values[name])
    person.birth_year, person.sex = birth_year, sex
    person.nationality = (values["nationality"] or "VN").upper()


def _move_related_records(source: Person, target: Person) -> dict[str, int]:
    """Re-point every record that refers to `source` (today's apps and those added later) to `target`."""
    moved = {}
    for relation in Person._meta.related_objects:
        if relation.related_model in (Person, PersonMerge, PersonSearchKey) or not relation.one_to_many:
            continue
        field = relation.field.name
        count = relation.related_model._base_manager.filter(**{field: source}).update(**{field: target})
        if count:
            moved[relation.related_model._meta.label_lower] = count
    return moved
