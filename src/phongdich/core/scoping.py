"""Jurisdiction scoping: the one place that decides which rows a user may see or change.

A user's role assignments each bind a role to an admin unit (its whole subtree), a facility (the rows that
concern the facility itself, such as the samples sent to a lab and the people they were taken from; the ward
the facility stands in only for place names and figures, or wholly for a facility that serves its ward, see
accounts.roles.facility_reaches_its_ward) or an organisation (the people who work there). Named system
actors (a string such as "demo", "cli" or "lab-result:<user>") are code, never a request: they act
everywhere. For a permission such as "people.change_person", the scope is the union of what every assignment
whose role grants it covers.
Views, the API, exports and selectors fetch through `Model.objects.visible_to(user)` or
`.restrict(user, action)`; nothing else filters by jurisdiction.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class OutOfScope(Http404):
    """A record that does not exist for this actor, or left their jurisdiction while they worked on it.
    Services raise it after re-reading under lock; as an Http404, pages and the API answer 404 with it."""


@dataclass(frozen=True)
class Scope:
    unit_paths: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    facility_ids: tuple[int, ...] = ()
    everywhere: bool = False
    whole_tree: bool = False  # the unit paths hold every root of the unit tree: every place the database knows

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.unit_paths or self.organisation_ids or self.facility_ids)

    @property
    def is_broad(self) -> bool:
        """A province or a district: scanning a list's own index beats looking rows up by unit."""
        return any(path.count("/") <= BROAD_DEPTH + 1 for path in self.unit_paths)

    @property
    def is_provincial(self) -> bool:
        """Everywhere, or a whole province (a path of one level, "legacy:74/")."""
        return self.everywhere or any(path.count("/") == 1 for path in self.unit_paths)

    def covers_path(self, path: str) -> bool:
        return self.everywhere or any(path.startswith(root) for root in self.unit_paths)


NOBODY = Scope()
BROAD_DEPTH = 1  # depth of a district in the legacy tree (province 0, district 1, commune 2, group 3)


def scope_of(user, permission: str) -> Scope:
    """The scope in which `user` holds `permission`, cached on the user object for the request."""
    if isinstance(user, str):
        return Scope(everywhere=True)
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    if user.is_superuser:
        return Scope(everywhere=True)
    cache = user.__dict__.setdefault("_scope_cache", {})
    if permission not in cache:
        cache[permission] = _compute_scope(user, permission)
    return cache[permission]


def has_permission_somewhere(user, permission: str) -> bool:
    return not scope_of(user, permission).is_empty


def require_permission(user, permission: str) -> None:
    """403 for a user whose roles grant `permission` nowhere; which rows they reach is the queryset's business."""
    if not has_permission_somewhere(user, permission):
        raise PermissionDenied(_("Your role does not allow this."))


def _compute_scope(user, permission: str) -> Scope:
    from phongdich.accounts.roles import facility_reaches_its_ward, role_grants

    unit_paths: set[str] = set()
    organisation_ids: set[int] = set()
    facility_ids: set[int] = set()
    for role, path, facility_id, facility_kind, organisation_id in user.scope_rows():
        if not role_grants(role, permission):
            continue
        if organisation_id:
            organisation_ids.add(organisation_id)
            continue
        if facility_id:
            facility_ids.add(facility_id)
            if not facility_reaches_its_ward(facility_kind, permission):
                continue
        if path:
            unit_paths.add(path)
    # A subtree inside another subtree adds nothing.
    roots = tuple(sorted(p for p in unit_paths if not any(p != q and p.startswith(q) for q in unit_paths)))
    return Scope(
        unit_paths=roots,
        organisation_ids=tuple(sorted(organisation_ids)),
        facility_ids=tuple(sorted(facility_ids)),
        whole_tree=_holds_every_root(user, roots),
    )


def _holds_every_root(user, paths: tuple[str, ...]) -> bool:
    """Whether the paths hold the whole unit tree: the province's command in the province's own database."""
    if not any(path.count("/") == 1 for path in paths):
        return False
    if "_tree_roots" not in user.__dict__:  # read once a request, like the user's scopes
        user.__dict__["_tree_roots"] = _tree_roots()
    return user.__dict__["_tree_roots"] <= set(paths)


def _tree_roots() -> set[str]:
    from django.db import connection

    from phongdich.places.models import AdminUnit

    table, parent = AdminUnit._meta.db_table, AdminUnit._meta.get_field("parent").column
    with connection.cursor() as cursor:  # asked on every API request of a province's officer: no ORM to build
        cursor.execute(f'SELECT path FROM "{table}" WHERE "{parent}" IS NULL')
        return {path for (path,) in cursor.fetchall()}


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every model that belongs to a place.

    A model says how it reaches its admin unit, one of:
      scope_unit_field = "unit"          a foreign key (or a path of them, "person__unit") to the unit;
      scope_path_lookup = "unit_path"    a column holding the unit's materialised path itself;
    and optionally scope_organisation_lookup = "workplace_id" for people reached through an organisation,
    and scope_facility_lookup = "lab__facility_id" (or a tuple of lookups) for rows that also belong to a
    facility; a lookup across a one-to-many relation ("samples__lab__facility_id") is written as a subquery,
    so a person with many samples still comes once.
    """

    def visible_to(self, user):
        return self.restrict(user, "view")

    def restrict(self, user, action: str = "view"):
        meta = self.model._meta
        scope = scope_of(user, f"{meta.app_label}.{action}_{meta.model_name}")
        if scope.everywhere or (scope.whole_tree and _always_in_a_unit(self.model)):
            return self  # a filter every row passes costs a subquery per request and nothing else
        if scope.is_empty:
            return self.none()
        return self.filter(scope_filter(self.model, scope))


def can_open(user, obj) -> bool:
    """Whether the user may open this record's page: it is within their scope for viewing it (a scoped model)."""
    return type(obj)._default_manager.visible_to(user).filter(pk=obj.pk).exists()


def scope_filter(model, scope: Scope, through: str = "") -> models.Q:
    """The rows of `model` inside `scope`; with `through`, as a filter on another model's queryset that reaches
    `model` by that relation (a person's search keys: `through="search_keys"`)."""
    at = f"{through}__" if through else ""
    query = models.Q(**{f"{at}pk__in": []})
    if scope.unit_paths:
        in_subtree = models.Q(pk__in=[])
        for root in scope.unit_paths:
            in_subtree |= models.Q(path__prefix=root)
        if unit_field := getattr(model, "scope_unit_field", None):
            # `unit_id IN (SELECT id … WHERE path LIKE root%)` rather than a join: the database then keeps
            # driving the query from the list's own index (a name search, a date) and checks the scope per row.
            unit_model = _related_model(model, unit_field)
            lookup = "in_scan" if scope.is_broad else "in"
            query |= models.Q(
                **{f"{at}{unit_field}__{lookup}": unit_model._base_manager.filter(in_subtree).values("pk")}
            )
        elif path_lookup := getattr(model, "scope_path_lookup", None):
            for root in scope.unit_paths:
                query |= models.Q(**{f"{at}{path_lookup}__prefix": root})
    facility_lookups = getattr(model, "scope_facility_lookup", None) or ()
    for lookup in (facility_lookups,) if isinstance(facility_lookups, str) else facility_lookups:
        if scope.facility_ids:
            query |= _facility_condition(model, lookup, scope.facility_ids, at=at)
    organisation_lookup = getattr(model, "scope_organisation_lookup", None)
    if organisation_lookup and scope.organisation_ids:
        query |= models.Q(**{f"{at}{organisation_lookup}__in": scope.organisation_ids})
    return query


def _facility_condition(model, lookup: str, facility_ids: tuple[int, ...], at: str = "") -> models.Q:
    condition = models.Q(**{f"{lookup}__in": facility_ids})
    if _crosses_many(model, lookup):
        return models.Q(**{f"{at}pk__in": model._base_manager.filter(condition).values("pk")})
    return models.Q(**{f"{at}{lookup}__in": facility_ids})


def _crosses_many(model, lookup: str) -> bool:
    for name in lookup.split("__")[:-1]:
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


@functools.cache
def _always_in_a_unit(model) -> bool:
    """Whether every row of `model` reaches a unit through non-null foreign keys (`scope_unit_field`)."""
    lookup = getattr(model, "scope_unit_field", None)
    if not lookup:
        return False
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.null or not field.concrete or not (field.many_to_one or field.one_to_one):
            return False
        model = field.related_model
    return True


def _related_model(model, lookup: str):
    for name in lookup.split("__"):
        model = model._meta.get_field(name).related_model
    return model
