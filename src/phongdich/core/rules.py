"""Rules as data: versions of a rule set, each with the date it takes effect and its source document."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import audit, clock
from .choices import AuditAction
from .scoping import scope_of
from .uniqueness import first_writer_wins


def in_force(model: type[models.Model], on: date | None = None):
    """The newest version of `model` effective on `on` (today by default). The oldest version also covers
    earlier dates, and with no version at all the model's defaults apply."""
    on = on or clock.today()
    versions = model._default_manager.order_by("-effective_from")
    return versions.filter(effective_from__lte=on).first() or versions.order_by("effective_from").first() or model()


def version_add(
    *,
    actor,
    model: type[models.Model],
    effective_from: date,
    source_document: str,
    document_date: date | None,
    values: dict,
    fields: list[str],
    limits: dict[str, tuple[int, int]],
    refusal: str,
    errors: dict | None = None,
):
    """A new version of a rule set, province-wide, citing its document and the document's date (a version
    cannot rest on a document issued after it takes effect); earlier versions are never edited. `limits` bound
    the numeric fields; `errors` are the rule set's own checks, reported with these."""
    meta = model._meta
    if not scope_of(actor, f"{meta.app_label}.add_{meta.model_name}").is_provincial:
        raise PermissionDenied(refusal)
    errors = dict(errors or {})
    if not source_document.strip():
        errors["source_document"] = _("Cite the document these rules come from.")
    if document_date is None:
        errors["document_date"] = _("Give the date of the document.")
    elif document_date > effective_from:
        errors["document_date"] = _("A version cannot take effect before the document it rests on was issued.")
    for name, (low, high) in limits.items():
        if name in values and not low <= int(values[name]) <= high:
            errors[name] = _("Between %(low)d and %(high)d.") % {"low": low, "high": high}
    try:
        _date_free(model, effective_from)
    except ValidationError as taken:
        errors.update(taken.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), first_writer_wins(lambda: _date_free(model, effective_from)):
        version = model._default_manager.create(
            effective_from=effective_from,
            source_document=source_document.strip(),
            document_date=document_date,
            **{name: values[name] for name in fields if name in values},
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=version, after=audit.snapshot(version))
    return version


def _date_free(model, effective_from: date) -> None:
    if model._default_manager.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("A version already takes effect on this date.")})


def versions_by_document(model, versions: list[tuple[date, str, date, dict]]) -> None:
    """Make a rule set's stored versions the ones its documents made (for data migrations): each
    (effective from, document, document date, values) corrects the version on that date, or is added with the
    values of the version before it and its own."""
    manager = model._default_manager
    for effective_from, document, document_date, values in sorted(versions, key=lambda version: version[0]):
        cited = {"source_document": document, "document_date": document_date, **values}
        if manager.filter(effective_from=effective_from).update(**cited):
            continue
        before = manager.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
        kept = {
            field.attname: getattr(before, field.attname)
            for field in model._meta.concrete_fields
            if before is not None and not field.primary_key
        }
        manager.create(**{**kept, "effective_from": effective_from, **cited})
