from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from phongdich.core.scoping import has_permission_somewhere
from phongdich.core.views import add_form_errors, post_action, service_form

from .forms import ApiTokenForm, AssignmentForm, LoginForm, PasswordResetForm, UserCreateForm
from .models import ApiToken, RoleAssignment
from .selectors import users_manageable_by
from .services import (
    api_token_create,
    api_token_revoke,
    login_success_record,
    logout_record,
    password_change,
    role_assign,
    role_unassign,
    user_create,
    user_password_reset,
    user_set_active,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        login_success_record(user=form.get_user())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with the change made by the service (which revokes the user's API tokens)."""

    success_url = reverse_lazy("accounts:password_done")

    def form_valid(self, form):
        revoked = password_change(actor=self.request.user, user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        messages.info(self.request, _tokens_revoked_message(revoked))
        return redirect(self.get_success_url())


def _tokens_revoked_message(count: int) -> str:
    if not count:
        return _("The account had no API token in use.")
    return ngettext(
        "%(n)d API token was revoked with the old password; create a new one where it is needed.",
        "%(n)d API tokens were revoked with the old password; create new ones where they are needed.",
        count,
    ) % {"n": count}


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            logout_record(user=request.user)
        return super().post(request, *args, **kwargs)


def tokens(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        _token, created = api_token_create(
            actor=request.user,
            user=request.user,
            name=form.cleaned_data["name"],
            days_valid=form.cleaned_data["days_valid"],
        )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": request.user.api_tokens.all(),
        },
    )


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def _require_manager(user) -> None:
    if not has_permission_somewhere(user, "accounts.manage_users"):
        raise PermissionDenied


def users(request):
    _require_manager(request.user)
    accounts = users_manageable_by(request.user).prefetch_related("role_assignments").order_by("username")
    if query := request.GET.get("q", "").strip():
        accounts = accounts.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    return render(request, "accounts/users.html", {"accounts": accounts[:200], "q": query})


def user_create_view(request):
    _require_manager(request.user)
    form = UserCreateForm(request.POST or None)
    return service_form(
        request,
        form,
        lambda data: user_create(actor=request.user, **data),
        title=_("New account"),
        success_message=_("The account has been created; now give it a role."),
        success_url=lambda user: reverse("accounts:user", args=[user.pk]),
        cancel_url=reverse("accounts:users"),
    )


def user_detail(request, pk):
    _require_manager(request.user)
    account = get_object_or_404(users_manageable_by(request.user), pk=pk)
    form = AssignmentForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            role_assign(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The role has been given."))
            return redirect("accounts:user", pk=pk)
    assignments = account.role_assignments.select_related("unit__parent", "facility", "organisation")
    context = {"account": account, "assignments": assignments, "form": form, "password_form": PasswordResetForm()}
    return render(request, "accounts/user_detail.html", context)


@require_POST
def assignment_remove(request, pk):
    _require_manager(request.user)
    assignment = get_object_or_404(RoleAssignment, pk=pk, user__in=users_manageable_by(request.user))
    try:
        role_unassign(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:user", pk=assignment.user_id)


@require_POST
def user_password(request, pk):
    _require_manager(request.user)
    account = get_object_or_404(users_manageable_by(request.user), pk=pk)
    revoked: list[int] = []
    post_action(
        request,
        PasswordResetForm(request.POST),
        lambda data: revoked.append(user_password_reset(actor=request.user, user=account, password=data["password"])),
        _("The password has been reset; tell the user in person, not by message."),
    )
    if revoked:
        messages.info(request, _tokens_revoked_message(revoked[0]))
    return redirect("accounts:user", pk=pk)


@require_POST
def user_active(request, pk):
    _require_manager(request.user)
    account = get_object_or_404(users_manageable_by(request.user), pk=pk)
    try:
        user_set_active(actor=request.user, user=account, active=request.POST.get("active") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:user", pk=pk)
