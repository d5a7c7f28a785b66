import copy
import hashlib
import hmac
import secrets
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, require_permission, scope_of
from phongdich.core.uniqueness import first_writer_wins

from .models import ApiToken, LoginFailure, RoleAssignment, User

TOKEN_PREFIX = "pd_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, actor: User, user: User, name: str, days_valid: int | None = 365) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its plain text, which is never stored or shown again."""
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    expires = timezone.now() + timedelta(days=days_valid) if days_valid else None
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(plain), expires_at=expires)
        audit.record(actor=actor, action=AuditAction.TOKEN, instance=token, detail={"event": "created"})
    return token, plain


def api_token_revoke(*, actor: User, token: ApiToken, reason: str = "") -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        detail = {"event": "revoked", **({"reason": reason} if reason else {})}
        audit.record(actor=actor, action=AuditAction.TOKEN, instance=token, detail=detail)


def password_change(*, actor, user: User, password: str) -> int:
    """A user's new password (`actor` is the user, or an administrator resetting it: see user_password_reset).
    The user's live API tokens stop working with the old password: they are revoked, each audited; returns
    how many."""
    event = "password changed" if actor == user else "password reset"
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        live = list(user.api_tokens.filter(revoked_at__isnull=True))
        for token in live:
            api_token_revoke(actor=actor, token=token, reason=event)
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=user, detail={"event": event, "tokens_revoked": len(live)}
        )
    return len(live)


def user_password_reset(*, actor, user: User, password: str) -> int:
    """An administrator sets a new password for an account they manage (a forgotten one, a leaked one); the
    account's API tokens are revoked with it. Returns how many."""
    from django.contrib.auth.password_validation import validate_password

    _check_manages_account(actor, user)
    if user == actor:
        raise ValidationError(_("Change your own password on the password page."))
    validate_password(password, user)
    return password_change(actor=actor, user=user, password=password)


# Token → user, kept per process for a few seconds: looking up the token and the user's role assignments costs
# more than most API calls do. Any saved or deleted token, user or role assignment empties it in this process
# (see apps.py); other worker processes see the change within PHONGDICH_API_AUTH_CACHE_SECONDS.
_token_users: dict[str, tuple[float, datetime | None, User]] = {}
TOKEN_CACHE_LIMIT = 10_000


def forget_token_users(**_signal) -> None:
    _token_users.clear()


def api_token_user(plain: str) -> User | None:
    """The active user a presented token belongs to, or None for an unknown, revoked or expired token."""
    digest = _digest(plain)
    cached = _token_users.get(digest)
    now = timezone.now()
    if cached and time.monotonic() - cached[0] < settings.PHONGDICH_API_AUTH_CACHE_SECONDS:
        _fetched, expires_at, user = cached
        # A copy per request: nothing a request sets on its user leaks into the next one.
        return copy.copy(user) if expires_at is None or expires_at > now else None
    token = _live_token(plain, digest, now)
    if token is None:
        return None
    if settings.PHONGDICH_API_AUTH_CACHE_SECONDS > 0:
        token.user.scope_rows()  # loaded once here for every request the cache answers
        if len(_token_users) >= TOKEN_CACHE_LIMIT:
            _token_users.clear()
        _token_users[digest] = (time.monotonic(), token.expires_at, token.user)
        return copy.copy(token.user)
    return token.user


def _live_token(plain: str, digest: str, now: datetime) -> ApiToken | None:
    try:
        _, prefix, _secret = plain.split("_", 2)
    except ValueError:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    if (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def login_is_locked(username: str) -> bool:
    window_start = timezone.now() - timedelta(minutes=settings.PHONGDICH_LOCKOUT_WINDOW_MINUTES)
    recent = LoginFailure.objects.filter(username__iexact=username, at__gte=window_start).count()
    return recent >= settings.PHONGDICH_LOCKOUT_FAILURES


def login_failure_record(*, username: str, ip: str | None) -> None:
    """A failed login, audited in the unit of the account it tried (the province's for an unknown name)."""
    account = User.objects.filter(username__iexact=username).first()
    with transaction.atomic():
        LoginFailure.objects.create(username=username[:150], ip=ip)
        audit.record(
            actor=username[:150] or "anonymous",
            action=AuditAction.LOGIN_FAILED,
            object_type="accounts.user",
            object_id=str(account.pk) if account else "",
            object_repr=username[:200],
            unit_path=account.audit_unit_path() if account else "",
        )


def login_success_record(*, user: User) -> None:
    with transaction.atomic():
        LoginFailure.objects.filter(username__iexact=user.username).delete()
        audit.record(actor=user, action=AuditAction.LOGIN, instance=user)


def logout_record(*, user: User) -> None:
    audit.record(actor=user, action=AuditAction.LOGOUT, instance=user)


def user_create(*, actor, username: str, password: str, full_name: str = "") -> User:
    """A new account; the password must pass the configured validators (length, common, numeric)."""
    from django.contrib.auth.password_validation import validate_password

    if isinstance(actor, User):
        require_permission(actor, "accounts.manage_users")

    _username_free(username)
    user = User(username=username, full_name=full_name)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        with first_writer_wins(lambda: _username_free(username)):
            user.save()
        audit.record(
            actor=actor, action=AuditAction.CREATE, instance=user, after=audit.snapshot(user, ["username", "full_name"])
        )
    return user


def _username_free(username: str) -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("An account %(name)s exists already.") % {"name": username}})


def role_assign(*, actor, user: User, role: str, unit=None, facility=None, organisation=None) -> RoleAssignment:
    """Give `user` a role at a place. An administrator may only hand out places inside their own jurisdiction
    (commands, the demo and tests act as the server itself: actor given as a name)."""
    with transaction.atomic():
        assignment = RoleAssignment(user=user, role=role, unit=unit, facility=facility, organisation=organisation)
        assignment.full_clean()
        _check_manages_account(actor, user)
        _check_manages(actor, assignment)
        assignment.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=assignment,
            unit_path=assignment.unit_path(),
            after=audit.snapshot(assignment),
        )
    for cached in ("_assignments", "_scope_rows", "_scope_cache"):
        user.__dict__.pop(cached, None)
    return assignment


def role_unassign(*, actor, assignment: RoleAssignment) -> None:
    with transaction.atomic():
        _check_manages_account(actor, assignment.user)
        _check_manages(actor, assignment)
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=assignment,
            unit_path=assignment.unit_path(),
            before=audit.snapshot(assignment),
        )
        assignment.delete()


def user_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivating keeps the account and its history; the user can no longer log in or use tokens."""
    if user == actor:
        raise ValidationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        _check_manages_account(actor, user)
        before = audit.snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=user,
            before=before,
            after=audit.snapshot(user, ["is_active"]),
        )
    return user


def _check_manages_account(actor, user: User) -> None:
    """Every account service asks this itself, whatever page or command called it: an account with one role
    outside the administrator's jurisdiction is out of reach, and answers as if it did not exist."""
    from .selectors import users_manageable_by

    if not isinstance(actor, User):
        return
    require_permission(actor, "accounts.manage_users")
    if not users_manageable_by(actor).filter(pk=user.pk).exists():
        raise OutOfScope


def _check_manages(actor, assignment: RoleAssignment) -> None:
    if not isinstance(actor, User):
        return
    scope = scope_of(actor, "accounts.manage_users")
    place = assignment.place
    path = assignment.unit_path() or (place.unit.path if assignment.organisation_id else "")
    if not scope.covers_path(path):
        raise ValidationError(_("%(place)s is outside your jurisdiction.") % {"place": place})
