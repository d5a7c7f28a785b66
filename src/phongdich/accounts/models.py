from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_BINDINGS, Binding, Role


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # As user_create checks it: "An" and "an" name one account.
        constraints = [models.UniqueConstraint(Lower("username"), name="username_unique_in_any_case")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def assignments_with_places(self):
        """Role assignments with their unit/facility loaded once per user object (scoping reads this)."""
        if "_assignments" not in self.__dict__:
            self._assignments = list(
                self.role_assignments.select_related("unit", "facility__unit", "organisation__unit")
            )
        return self._assignments

    def audit_unit_path(self) -> str:
        """The broadest unit of this account's roles, where its audit rows belong ("" without a role)."""
        paths = [path for assignment in self.assignments_with_places() if (path := assignment.audit_unit_path())]
        return min(paths, key=lambda path: (path.count("/"), path), default="")

    def scope_rows(self) -> list[tuple[str, str, int | None, str, int | None]]:
        """(role, unit path, facility id, facility kind, organisation id) per assignment, loaded once per user
        object for scoping. A facility's assignment also carries the path of the unit the facility sits in."""
        if "_scope_rows" not in self.__dict__:
            rows = self.role_assignments.values_list(
                "role", "unit__path", "facility_id", "facility__unit__path", "facility__kind", "organisation_id"
            )
            self._scope_rows = [
                (role, unit or facility_path or "", facility, kind or "", org)
                for role, unit, facility, facility_path, kind, org in rows
            ]
        return self._scope_rows


class RoleAssignment(models.Model):
    """A role held by a user at a place: an admin unit (with its subtree), a facility or an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "places.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="assignment_bound_to_exactly_one_place",
                condition=(
                    models.Q(unit__isnull=False, facility__isnull=True, organisation__isnull=True)
                    | models.Q(unit__isnull=True, facility__isnull=False, organisation__isnull=True)
                    | models.Q(unit__isnull=True, facility__isnull=True, organisation__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.place}"

    @property
    def place(self):
        return self.unit or self.facility or self.organisation

    def unit_path(self) -> str:
        if self.unit_id:
            return self.unit.path
        if self.facility_id:
            return self.facility.unit.path
        return ""

    def audit_unit_path(self) -> str:
        return self.unit_path() or (self.organisation.unit.path if self.organisation_id else "")

    def clean(self) -> None:
        binding = ROLE_BINDINGS[self.role]
        bound = {
            Binding.UNIT: self.unit_id,
            Binding.FACILITY: self.facility_id,
            Binding.ORGANISATION: self.organisation_id,
        }
        if not bound[binding]:
            raise ValidationError(
                _("A %(role)s is assigned to a %(binding)s.")
                % {"role": self.get_role_display(), "binding": binding.label}
            )


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 hash is stored; the token is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def audit_unit_path(self) -> str:
        return self.user.audit_unit_path()


class LoginFailure(models.Model):
    """One failed login; enough of them in the window lock the username (accounts/backends.py)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("login failure")
        verbose_name_plural = _("login failures")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
