from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from phongdich.core.scoping import scope_of

from .models import RoleAssignment, User


def users_manageable_by(admin) -> QuerySet:
    """Accounts an administrator may manage: those whose every role is held inside the administrator's
    jurisdiction, and accounts without any role yet (so a new account can be given its first). One role
    outside is enough to put an account out of reach: a district administrator must not lock out a province
    commander who also helps in a commune of the district."""
    scope = scope_of(admin, "accounts.manage_users")
    users = User.objects.all() if admin.is_superuser else User.objects.filter(is_superuser=False)
    if scope.everywhere:
        return users
    if scope.is_empty:
        return users.none()
    inside = Q(pk__in=[])
    for root in scope.unit_paths:
        inside |= Q(place_path__startswith=root)
    held_outside = (
        RoleAssignment.objects.annotate(
            place_path=Coalesce(F("unit__path"), F("facility__unit__path"), F("organisation__unit__path"))
        )
        .exclude(inside)
        .values("user_id")
    )
    return users.exclude(pk__in=held_outside)
