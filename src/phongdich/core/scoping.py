"""Jurisdiction scoping: the one place that decides which rows a user may see or change.

A user's role assignments each bind a role to an admin unit (its whole subtree), a facility (the subtree of
the unit the facility sits in) or an organisation (the people who work there). For a permission such as
"people.change_person", the scope is the union of what every assignment whose role grants it covers.
Views, the API, exports and selectors fetch through `Model.objects.visible_to(user)` or
`.restrict(user, action)`; nothing else filters by jurisdiction.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Scope:
    unit_paths: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()
    everywhere: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.unit_paths or self.organisation_ids)

    def covers_path(self, path: str) -> bool:
        return self.everywhere or any(path.startswith(root) for root in self.unit_paths)


NOBODY = Scope()


def scope_of(user, permission: str) -> Scope:
    """The scope in which `user` holds `permission`, cached on the user object for the request."""
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


def _compute_scope(user, permission: str) -> Scope:
    from phongdich.accounts.roles import role_grants

    unit_paths: set[str] = set()
    organisation_ids: set[int] = set()
    for assignment in user.assignments_with_places():
        if not role_grants(assignment.role, permission):
            continue
        if assignment.organisation_id:
            organisation_ids.add(assignment.organisation_id)
        elif path := assignment.unit_path():
            unit_paths.add(path)
    # A subtree inside another subtree adds nothing.
    roots = tuple(sorted(p for p in unit_paths if not any(p != q and p.startswith(q) for q in unit_paths)))
    return Scope(unit_paths=roots, organisation_ids=tuple(sorted(organisation_ids)))


class ScopedQuerySet(models.QuerySet):
    """Base queryset for every model that belongs to a place.

    The model names the lookup to its unit's materialised path in `scope_path_lookup`, and optionally the
    lookup to an organisation in `scope_organisation_lookup`.
    """

    def visible_to(self, user):
        return self.restrict(user, "view")

    def restrict(self, user, action: str = "view"):
        meta = self.model._meta
        scope = scope_of(user, f"{meta.app_label}.{action}_{meta.model_name}")
        if scope.everywhere:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(scope_filter(self.model, scope))


def scope_filter(model, scope: Scope) -> models.Q:
    query = models.Q(pk__in=[])
    path_lookup = getattr(model, "scope_path_lookup", None)
    if path_lookup:
        for root in scope.unit_paths:
            query |= models.Q(**{f"{path_lookup}__prefix": root})
    organisation_lookup = getattr(model, "scope_organisation_lookup", None)
    if organisation_lookup and scope.organisation_ids:
        query |= models.Q(**{f"{organisation_lookup}__in": scope.organisation_ids})
    return query
