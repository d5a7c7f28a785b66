from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
