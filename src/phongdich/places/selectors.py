from django.db.models import Q

from phongdich.core.scoping import scope_of

from .models import AdminUnit, Population


def tree_roots(user):
    """The top units of the user's jurisdiction (a province officer: the province; a commune officer: the commune)."""
    scope = scope_of(user, "places.view_adminunit")
    units = AdminUnit.objects.visible_to(user)
    if scope.everywhere:
        return units.filter(parent__isnull=True)
    return units.filter(path__in=scope.unit_paths)


def unit_children(user, unit: AdminUnit):
    return AdminUnit.objects.visible_to(user).filter(parent=unit).order_by("name")


def latest_populations(units) -> dict[int, Population]:
    """The most recent population row of each unit, one query."""
    rows = Population.objects.filter(unit__in=units).order_by("unit_id", "-year")
    latest: dict[int, Population] = {}
    for row in rows:
        latest.setdefault(row.unit_id, row)
    return latest


def unit_search(user, text: str, limit: int = 20):
    from phongdich.core.text import fold

    folded = fold(text)
    units = AdminUnit.objects.visible_to(user)
    return units.filter(Q(name_search__contains=folded) | Q(code=text.strip())).order_by("depth", "name")[:limit]
