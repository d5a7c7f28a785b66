"""Contacts recorded by tracers, importers and the API, and their review."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.uniqueness import created_once
from phongdich.people.models import Person

from ..choices import (
    CaseStatus,
    ContactKind,
    ContactSource,
    ContactStatus,
)
from ..models import Case, Contact
from .levels import levels_update


def contact_record(
    *,
    actor,
    person: Person,
    other: Person,
    kind: str,
    first_at: datetime,
    last_at: datetime | None = None,
    source: str = ContactSource.INTERVIEW,
    status: str = ContactStatus.CONFIRMED,
    venue=None,
    overlap_minutes: int | None = None,
    key: str = "",
) -> tuple[Contact, bool]:
    """Record that `person` met `other` (e.g. an F0); returns (contact, created). A repeated `key` (an import
    row, a check-in pair) returns the contact already stored, so retries never duplicate."""
    last_at = last_at or first_at
    with transaction.atomic():
        person = Person.objects.select_related("unit").get(pk=person.pk)
        other = Person.objects.select_related("unit").get(pk=other.pk)
        # Both people, and before any other check: a refusal must not tell an outsider more than "not found".
        scope = scope_of(actor, "surveillance.add_contact")
        if not (scope.covers_path(person.unit.path) and scope.covers_path(other.unit.path)):
            raise OutOfScope(_("No such person in your jurisdiction."))
        _check_contact(person, other, kind, first_at, last_at)
        key = (key or f"{source}:{person.pk}:{other.pk}:{kind}:{first_at.isoformat()}")[:120]
        existing = Contact.objects.filter(key=key).first()
        if existing is not None:
            return existing, False
        _refuse_outside_infectious_period(person, other, kind, first_at, last_at)
        contact, created = created_once(
            lambda: Contact.objects.create(
                key=key,
                person=person,
                other=other,
                unit_id=person.unit_id,
                kind=kind,
                source=source,
                status=status,
                first_at=first_at,
                last_at=last_at,
                venue=venue,
                overlap_minutes=overlap_minutes,
                recorded_by=audit.user_of(actor),
            ),
            existing=lambda: Contact.objects.filter(key=key).first(),
        )
        if not created:  # the same key sent twice at once: the other request stored it
            return contact, False
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=contact,
            person_id=person.pk,
            unit_path=person.unit.path,
            after=audit.snapshot(contact),
        )
        params = {"person": person.pk, "other": other.pk}
        levels_update(around={person.pk, other.pk}, actor=actor, reason="contact_added", params=params)
    return contact, True


def _check_contact(person: Person, other: Person, kind: str, first_at: datetime, last_at: datetime) -> None:
    if person.pk == other.pk:
        raise ValidationError({"other": _("A person cannot be their own contact.")})
    if last_at < first_at:
        raise ValidationError({"last_at": _("The last contact is before the first.")})
    if first_at > clock.now() + timedelta(minutes=5):
        raise ValidationError({"first_at": _("The contact cannot be in the future.")})
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Unknown kind of contact.")})


def _refuse_outside_infectious_period(person: Person, other: Person, kind: str, first_at, last_at) -> None:
    """A contact with an active F0 that the F-levels would never count is refused with the reason, never
    stored and ignored: before the F0's infectious period, or after their isolation other than caring for them."""
    for case in Case.objects.filter(person__in=[person, other], status=CaseStatus.ACTIVE):
        name = other.full_name if case.person_id == other.pk else person.full_name
        if last_at < case.infectious_from:
            raise ValidationError(
                {
                    "last_at": _("The contact is before %(name)s's infectious period (from %(start)s).")
                    % {"name": name, "start": formats.date_format(timezone.localtime(case.infectious_from), "d/m/Y")}
                }
            )
        if first_at > case.infectious_until and kind != ContactKind.CARE:
            raise ValidationError(
                {
                    "first_at": _(
                        "%(name)s was already isolated then: only caring for them without full protection makes a "
                        "contact after that."
                    )
                    % {"name": name}
                }
            )


def contact_review(*, actor, contact: Contact, confirm: bool, reason: str = "") -> Contact:
    """A tracer confirms a proposed contact, or dismisses one (with the reason kept), which re-levels."""
    with transaction.atomic():
        contact = Contact.objects.restrict(actor, "change").select_for_update().filter(pk=contact.pk).first()
        if contact is None:
            raise OutOfScope(_("No such contact in your jurisdiction."))
        if not confirm and not reason.strip():
            raise ValidationError({"reason": _("Say why the contact is dismissed.")})
        before = audit.snapshot(contact, ["status", "dismissed_reason"])
        contact.status = ContactStatus.CONFIRMED if confirm else ContactStatus.DISMISSED
        contact.dismissed_reason = "" if confirm else reason.strip()[:300]
        contact.save(update_fields=["status", "dismissed_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=contact,
            person_id=contact.person_id,
            before=before,
            after=audit.snapshot(contact, ["status", "dismissed_reason"]),
        )
        if not confirm:
            levels_update(
                around={contact.person_id, contact.other_id},
                actor=actor,
                reason="contact_dismissed",
                params={
                    "person": contact.person_id,
                    "other": contact.other_id,
                    "dismissed_reason": contact.dismissed_reason,
                },
            )
    return contact
