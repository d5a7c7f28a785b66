"""The API base: authentication (bearer token or session), one error body shape, shared schemas."""

import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from .imports import FileFormatError
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


def lookup(user, rows: type[Model] | QuerySet, pk, action: str | None = "view", *, by: str = "pk"):
    """The record a path names by id, if `user` may `action` it (`rows.restrict(user, action)`, as the pages
    do); otherwise 404, the same answer for a record outside the caller's jurisdiction as for a missing one.

    `rows` is a model or a queryset of it (to narrow or join: `Person.objects.active()`); `by` a unique column
    other than the primary key (`person_id`). `action=None` only for rows a selector has already scoped to the
    caller (`units_for`, `sites_for`) or that everyone may name (labs, vaccine products).
    """
    found = _scoped(user, rows, action).filter(**{by: pk}).first()
    if found is None:
        raise Http404
    return found


def _scoped(user, rows: type[Model] | QuerySet, action: str | None) -> QuerySet:
    queryset: Any = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    return queryset if action is None else queryset.restrict(user, action)


def lookup_field(user, rows: type[Model] | QuerySet, pk, field: str, action: str | None = "view"):
    """The record a request body names by id in `field` (None for no id), looked up like `lookup`; an id
    outside the caller's jurisdiction and a missing one both answer 422 with the same message on that field.
    Endpoints resolve every body id this way before anything else, so no later check tells the two apart."""
    if pk is None:
        return None
    try:
        return lookup(user, rows, pk, action)
    except Http404:
        raise DjangoValidationError({field: _("Not found in your jurisdiction.")}) from None


def lookup_fields(user, rows: type[Model] | QuerySet, pks: list[int], field: str, action: str | None = "view") -> list:
    """Several ids in one body field: all of them in the caller's jurisdiction, or a 422 like `lookup_field`."""
    found = list(_scoped(user, rows, action).filter(pk__in=set(pks)))
    if len(found) != len(set(pks)):
        raise DjangoValidationError({field: _("Not found in your jurisdiction.")})
    return found


def json_object(text: str, field: str) -> dict[str, str] | None:
    """A form field holding a JSON object of strings (a column mapping); empty means none; anything else 422."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise DjangoValidationError({field: _("Send a JSON object of names to column headers.")})
    return value


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

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        # A unique rule no pre-check names (those come back as 422 through `first_writer_wins`): another
        # request wrote the same record first. Never a 500; sending it again shows what is there now.
        return error(request, 409, "conflict", _("Another request has just written this record; reload and check."))

    @api.exception_handler(BadCursor)
    def bad_cursor(request, exc):
        return error(request, 422, "invalid", _("The cursor is not valid."), {"cursor": [_("Not a cursor.")]})

    @api.exception_handler(FileFormatError)
    def file_unreadable(request, exc):
        return error(request, 422, "invalid", _("The file cannot be read."), {"file": [str(exc)]})

    @api.exception_handler(ValueError)
    def value_unreadable(request, exc):
        # A value the request sent that code further down could not read: the request's fault, not a crash.
        return error(request, 422, "invalid", _("The request has a value that cannot be read."))

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
        if exc.status_code == 400 and exc.__cause__ is not None:  # ninja's wrapper of an unparsable body
            return error(request, 422, "invalid", _("The request body is not valid JSON."))
        return error(request, exc.status_code, getattr(exc, "code", "error"), str(exc.message))

    return api
