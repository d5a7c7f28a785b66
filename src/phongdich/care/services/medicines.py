"""Medicine packages handed to F0 at home (packages A, B and C of the Ministry's programme, …): kinds as data,
kept by the province's administrators."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import scope_of
from phongdich.core.uniqueness import first_writer_wins

from ..models import MedicineKind

FIELDS = ["code", "name", "contents", "active"]


def medicine_kind_add(*, actor, code: str, name: str, contents: str = "", active: bool = True) -> MedicineKind:
    _require_province(actor, "care.add_medicinekind")
    code, name, contents = code.strip(), name.strip(), contents.strip()
    errors = _errors(name=name)
    if not code:
        errors["code"] = _("Give the package a short code (A, B, C …).")
    else:
        errors.update(_code_free_errors(code))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), first_writer_wins(lambda: _code_free(code)):
        kind = MedicineKind.objects.create(code=code, name=name, contents=contents, active=active)
        audit.record(actor=actor, action=AuditAction.CREATE, instance=kind, after=audit.snapshot(kind, FIELDS))
    return kind


def medicine_kind_update(*, actor, kind: MedicineKind, name: str, contents: str, active: bool) -> MedicineKind:
    """A package's name, contents, and whether it is still handed out (one in use in past deliveries is never
    deleted: set it out of use)."""
    _require_province(actor, "care.change_medicinekind")
    name, contents = name.strip(), contents.strip()
    if errors := _errors(name=name):
        raise ValidationError(errors)
    with transaction.atomic():
        kind = MedicineKind.objects.select_for_update().get(pk=kind.pk)
        before = audit.snapshot(kind, FIELDS)
        kind.name, kind.contents, kind.active = name, contents, active
        kind.save(update_fields=["name", "contents", "active"])
        changed_before, changed_after = audit.diff(before, audit.snapshot(kind, FIELDS))
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=kind, before=changed_before, after=changed_after)
    return kind


def _require_province(actor, permission: str) -> None:
    if not scope_of(actor, permission).is_provincial:
        raise PermissionDenied(_("Only a province-level administrator changes the medicine packages."))


def _errors(*, name: str) -> dict:
    return {} if name else {"name": _("Give the package's name.")}


def _code_free_errors(code: str) -> dict:
    try:
        _code_free(code)
    except ValidationError as taken:
        return taken.message_dict
    return {}


def _code_free(code: str) -> None:
    if MedicineKind.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("Another package has this code.")})
