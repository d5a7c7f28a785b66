from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import PatchDict, Query, Router, Schema, Status
from ninja.schema import Field

from phongdich.core import clock
from phongdich.core.api import lookup, lookup_field, schema_shaped
from phongdich.core.pagination import keyset_page
from phongdich.core.text import mask_id_number
from phongdich.places.models import AdminUnit, Organisation

from .choices import Sex
from .filtersets import PersonFilterSet
from .models import Household, Person, age_on, risk_factors
from .selectors import duplicate_candidates, name_people, person_for_reading, person_search, search_order
from .services import person_create, person_merge, person_update

router = Router(tags=["persons"])


def related_person(row, source: str, context) -> str | None:
    """What a response says of a person a record names in passing (`row.<source>` holds their id): their name
    inside the caller's jurisdiction, the pages' masked reference outside it, and nothing else about them.
    A list names its rows first, together (`name_people(user, rows, person_ref="person_id")`: one query per
    page); a single record is named here."""
    target = source.removesuffix("_id") + "_ref"
    if not hasattr(row, target):
        name_people(context["request"].user, [row], **{target: source})
    ref = getattr(row, target)
    return None if ref is None else str(ref)


class PersonListItem(Schema):
    id: int
    full_name: str
    birth_year: int | None
    sex: str
    unit_id: int
    unit_name: str
    id_number_masked: str
    risk_factors: list[str]


LIST_COLUMNS = (
    "id",
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "unit_id",
    "unit__name",
    "id_number",
    "chronic_disease",
    "pregnant",
)


def list_item(row: dict, today: date) -> dict:
    """A list row from `values(*LIST_COLUMNS)`: lists skip model instances, the bulk of an API call's cost."""
    age = age_on(today, row["birth_date"], row["birth_year"])
    return {
        "id": row["id"],
        "full_name": row["full_name"],
        "birth_year": row["birth_year"],
        "sex": row["sex"],
        "unit_id": row["unit_id"],
        "unit_name": row["unit__name"],
        "id_number_masked": mask_id_number(row["id_number"]),
        "risk_factors": risk_factors(age, row["chronic_disease"], row["pregnant"]),
    }


class PersonPage(Schema):
    items: list[PersonListItem]
    next_cursor: str | None


class PersonIn(Schema):
    full_name: str
    birth_date: date | None = None
    birth_year: int | None = None
    sex: Sex = Sex.UNKNOWN
    id_number: str = ""
    phone: str = ""
    nationality: str = "VN"
    unit_id: int
    household_id: int | None = None
    address: str = ""
    occupation: str = ""
    workplace_id: int | None = None
    chronic_disease: bool = False
    pregnant: bool = False


class PersonOut(Schema):
    id: int
    full_name: str
    birth_date: date | None
    birth_year: int | None
    sex: str
    id_number: str
    phone: str
    nationality: str
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    household_id: int | None
    address: str
    occupation: str
    workplace_id: int | None
    chronic_disease: bool
    pregnant: bool
    risk_factors: list[str]
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime


class MergeIn(Schema):
    duplicate_id: int


class MergeOut(Schema):
    survivor_id: int
    merged_id: int
    moved: dict[str, int]
    filled_fields: list[str]


class DuplicateGroupOut(Schema):
    reason: str
    persons: list[PersonListItem]


class PersonFilters(Schema):
    q: str | None = None
    unit: int | None = None
    sex: Sex | None = None
    chronic_disease: bool | None = None
    pregnant: bool | None = None
    born_before: int | None = None


REFERENCES = {
    "unit_id": ("unit", AdminUnit),
    "household_id": ("household", Household),
    "workplace_id": ("workplace", Organisation),
}


def _resolve_references(user, data: dict) -> dict:
    """Turn *_id fields into objects the caller may see, all errors at once (core.api.lookup_field)."""
    resolved = {key: value for key, value in data.items() if key not in REFERENCES}
    errors = {}
    for key, (name, model) in REFERENCES.items():
        if key in data:
            try:
                resolved[name] = lookup_field(user, model, data[key], key)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return resolved


@router.get("", response=PersonPage, summary="Search and list persons (keyset pagination)")
def list_persons(request, filters: Query[PersonFilters], cursor: str | None = None, limit: int = 25):
    limit = max(1, min(limit, 100))
    params = {k: v for k, v in filters.dict().items() if v is not None}
    persons = Person.objects.visible_to(request.user).active()
    if set(params) <= {"q"}:
        persons = person_search(persons, filters.q or "", user=request.user)  # the common call: no filter form to build
    else:
        filterset = PersonFilterSet(params, queryset=persons, user=request.user)
        if not filterset.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in filterset.errors.items()})
        persons = filterset.qs
    order = search_order(filters.q or "")
    rows, next_cursor = keyset_page(persons.values(*LIST_COLUMNS, *order), order, cursor, limit)
    today = clock.today()
    return schema_shaped({"items": [list_item(row, today) for row in rows], "next_cursor": next_cursor})


@router.post("", response={201: PersonOut}, summary="Register a person")
def create_person(request, payload: PersonIn):
    person = person_create(actor=request.user, **_resolve_references(request.user, payload.dict()))
    return Status(201, person)


@router.get("/duplicates", response=list[DuplicateGroupOut], summary="Duplicate candidates to review for merging")
def list_duplicates(request):
    today = clock.today()
    return [
        {"reason": group.reason, "persons": [list_item(model_to_row(p), today) for p in group.persons]}
        for group in duplicate_candidates(request.user)
    ]


def model_to_row(person: Person) -> dict:
    return {column: getattr(person, column) if column != "unit__name" else person.unit.name for column in LIST_COLUMNS}


@router.get("/{int:person_id}", response=PersonOut, summary="Read a full person record (audited)")
def read_person(request, person_id: int):
    return person_for_reading(request.user, person_id)


@router.patch("/{int:person_id}", response=PersonOut, summary="Change some fields of a person")
def update_person(request, person_id: int, payload: PatchDict[PersonIn]):
    person = lookup(request.user, Person, person_id, "change")
    return person_update(actor=request.user, person=person, **_resolve_references(request.user, dict(payload)))


@router.post("/{int:person_id}/merge", response=MergeOut, summary="Merge a duplicate into this person")
def merge_person(request, person_id: int, payload: MergeIn):
    survivor = lookup(request.user, Person, person_id, "merge")
    duplicate = lookup_field(request.user, Person, payload.duplicate_id, "duplicate_id", "merge")
    merge = person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
    return {
        "survivor_id": merge.survivor_id,
        "merged_id": merge.merged_id,
        "moved": merge.moved,
        "filled_fields": merge.filled_fields,
    }
