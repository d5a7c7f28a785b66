from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from phongdich.core.scoping import scope_filter, scope_of
from phongdich.places.models import AdminUnit, Facility, Organisation

from .roles import ROLE_BINDINGS, Role
from .services import login_failure_record, login_is_locked


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. This account is locked for %(minutes)d minutes."),
    }

    def clean(self):
        from django.conf import settings

        username = self.cleaned_data.get("username") or ""
        if username and login_is_locked(username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.PHONGDICH_LOCKOUT_WINDOW_MINUTES},
            )
        try:
            return super().clean()
        except ValidationError:
            if username:
                login_failure_record(
                    username=username, ip=self.request.META.get("REMOTE_ADDR") if self.request else None
                )
            raise


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What or who will use this token."))
    days_valid = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=90)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters; the user changes it after logging in."),
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters. The account's API tokens are revoked with the old password."),
    )


class AssignmentForm(forms.Form):
    """A role and the place it is bound to; the choices are the places inside the administrator's jurisdiction."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=AdminUnit.objects.none(), required=False)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=Facility.objects.none(), required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(admin, "accounts.manage_users")
        for name, model in (("unit", AdminUnit), ("facility", Facility), ("organisation", Organisation)):
            queryset = model.objects.all() if scope.everywhere else model.objects.filter(scope_filter(model, scope))
            self.fields[name].queryset = queryset.order_by("path" if model is AdminUnit else "name")
        self.fields["unit"].label_from_instance = lambda unit: unit.label

    def clean(self):
        data = super().clean()
        binding = ROLE_BINDINGS.get(data.get("role"))
        if binding and not data.get(binding.value):
            self.add_error(binding.value, _("This role is bound to a %(kind)s.") % {"kind": binding.label})
        return {**data, **{name: None for name in ("unit", "facility", "organisation") if name != binding}}
