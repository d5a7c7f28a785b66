from django.db.models import Q, QuerySet

from phongdich.core.scoping import scope_of

from .models import User


def users_manageable_by(admin) -> QuerySet:
    """Accounts an administrator may manage: those holding a role inside the administrator's jurisdiction,
    and accounts without any role yet (so a new account can be given its first)."""
    scope = scope_of(admin, "accounts.manage_users")
    users = User.objects.all() if admin.is_superuser else User.objects.filter(is_superuser=False)
    if scope.everywhere:
        return users
    if scope.is_empty:
        return users.none()
    inside = Q(role_assignments__isnull=True)
    for root in scope.unit_paths:
        inside |= (
            Q(role_assignments__unit__path__startswith=root)
            | Q(role_assignments__facility__unit__path__startswith=root)
            | Q(role_assignments__organisation__unit__path__startswith=root)
        )
    return users.filter(inside).distinct()
