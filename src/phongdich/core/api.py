"""The API base: authentication (bearer token or session), one error body shape, shared schemas."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from .pagination import BadCursor


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def schema_shaped(body: dict, status: int = 200) -> JsonResponse:
    """A body the endpoint built in exactly its declared response shape, sent without re-validation.

    For hot lists only: validating 25 rows through the schema costs more than the query that found them.
    Each such endpoint has a test validating its body against the schema.
    """
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def filtered(filterset_class, params: dict, queryset, user):
    """A list endpoint's query parameters through the same FilterSet as the page; bad values answer 422."""
    filterset = filterset_class({k: v for k, v in params.items() if v is not None}, queryset=queryset, user=user)
    if not filterset.is_valid():
        raise DjangoValidationError({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def visible_or_invalid(queryset, pk: int | None, field: str):
    """The record a request names by id, if the caller may see it; otherwise a 422 on that field."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({field: _("Not found in your jurisdiction.")})
    return found


class TokenAuth(HttpBearer):
    openapi_description = "API token: `Authorization: Bearer pd_…` (create one under Account → API tokens)."

    def authenticate(self, request, token):
        from phongdich.accounts.services import api_token_user

        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked), so the Swagger UI works for a logged-in user."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="phongdich API",
        version="1",
        description="Epidemic prevention and control platform. Every list is scoped to the caller's jurisdiction.",
        auth=[TokenAuth(), SessionAuth()],
        urls_namespace="api",
    )

    def error(request, status: int, code: str, message: str, fields: dict | None = None):
        body = {"code": code, "message": message, "fields": fields or {}}
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request, exc):
        fields: dict[str, list[str]] = {}
        for item in exc.errors:
            location = [str(part) for part in item.get("loc", []) if part not in ("body", "query", "path", "payload")]
            fields.setdefault(".".join(location) or "__all__", []).append(item.get("msg", ""))
        return error(request, 422, "invalid", _("The request has invalid fields."), fields)

    @api.exception_handler(DjangoValidationError)
    def rule_broken(request, exc):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return error(request, 422, "invalid", _("The request has invalid fields."), fields)

    @api.exception_handler(BadCursor)
    def bad_cursor(request, exc):
        return error(request, 422, "invalid", _("The cursor is not valid."), {"cursor": [_("Not a cursor.")]})

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error(request, 401, "unauthenticated", _("Log in or send a valid API token."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return error(request, 403, "forbidden", str(exc) or _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(request, 404, "not_found", _("Not found."))

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return error(request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return error(request, exc.status_code, getattr(exc, "code", "error"), str(exc.message))

    return api
