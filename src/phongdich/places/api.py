from ninja import Router, Schema

from phongdich.core.api import lookup

from .models import AdminUnit, Population
from .selectors import latest_populations, tree_roots, unit_children, unit_search

router = Router(tags=["units"])


class PopulationOut(Schema):
    year: int
    total: int
    age_18_plus: int
    age_65_plus: int
    age_12_17: int
    age_5_11: int
    source: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    division_type: str
    structure: str
    path: str
    parent_id: int | None
    has_children: bool
    population: PopulationOut | None = None


class UnitDetailOut(UnitOut):
    ancestors: list[UnitOut]
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_ancestors(unit):
        return list(unit.ancestors())


def _with_population(units: list[AdminUnit]) -> list[AdminUnit]:
    latest = latest_populations(units)
    for unit in units:
        unit.population = latest.get(unit.pk)
    return units


@router.get("", response=list[UnitOut], summary="Units: the caller's top units, a unit's children, or a name search")
def list_units(request, parent: int | None = None, q: str | None = None):
    if q:
        units = list(unit_search(request.user, q))
    elif parent is not None:
        units = list(unit_children(request.user, lookup(request.user, AdminUnit, parent)))
    else:
        units = list(tree_roots(request.user))
    return _with_population(units)


@router.get("/{int:unit_id}", response=UnitDetailOut, summary="One unit with its ancestors")
def read_unit(request, unit_id: int):
    return _with_population([lookup(request.user, AdminUnit, unit_id)])[0]


@router.get("/{int:unit_id}/population", response=list[PopulationOut], summary="Population by year and age band")
def unit_population(request, unit_id: int):
    return Population.objects.filter(unit=lookup(request.user, AdminUnit, unit_id)).order_by("-year")
