"""Signing keys and vaccine certificates: issuing one for a person's latest dose, and revoking it."""

import functools
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.people.models import Person

from ..dcc import codec, signer
from ..dcc.names import certificate_name
from ..dcc.uvci import new_uvci
from ..models import Certificate, Dose, SigningKey, VaccinationRules

DISEASE_COVID19 = "840539006"  # SNOMED CT, the value set's only target disease


def signing_key_create(*, actor, common_name: str = "") -> SigningKey:
    """A new document signer; it signs from now on, and the previous one keeps verifying what it signed."""
    common_name = common_name or f"{settings.DCC_ISSUER}"
    created = signer.create_signer(Path(settings.DCC_KEY_DIR), country=settings.DCC_COUNTRY, common_name=common_name)
    with transaction.atomic():
        now = timezone.now()
        SigningKey.objects.select_for_update().filter(active=True).update(active=False, retired_at=now)
        key = SigningKey.objects.create(
            kid=created.kid.hex(),
            certificate=created.certificate_der,
            key_file=created.key_file,
            not_before=created.not_before,
            not_after=created.not_after,
            active=True,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=key,
            after={"kid": key.kid, "not_after": key.not_after.isoformat()},
        )
    return key


@functools.lru_cache(maxsize=8)
def _private_key(key_dir: str, key_file: str):
    return signer.load_private(Path(key_dir), key_file)


def payload_for(person: Person, dose: Dose, uvci: str) -> dict:
    product = dose.product
    if person.birth_date:
        dob = person.birth_date.isoformat()
    elif person.birth_year:
        dob = str(person.birth_year)
    else:
        raise ValidationError(_("A certificate needs the person's date or at least year of birth."))
    entry = {
        "tg": DISEASE_COVID19,
        "vp": product.prophylaxis,
        "mp": product.code,
        "ma": product.manufacturer_code,
        "dn": dose.number,
        "sd": max(product.series_doses, dose.number),
        "dt": dose.given_on.isoformat(),
        "co": settings.DCC_COUNTRY,
        "is": settings.DCC_ISSUER,
        "ci": uvci,
    }
    return {"ver": "1.3.0", "nam": certificate_name(person.full_name), "dob": dob, "v": [entry]}


def certificate_issue(*, actor, person: Person) -> Certificate:
    """A certificate for the person's latest dose. Asking again while one is valid returns that one."""
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
        dose = Dose.objects.filter(person=person).select_related("product").order_by("-number").first()
        _require(actor, person, dose)
        if dose is None:
            raise ValidationError(_("%(name)s has no recorded dose yet.") % {"name": person.full_name})
        now = clock.now()
        current = Certificate.objects.filter(dose=dose, revoked_at__isnull=True, expires_at__gt=now).first()
        if current:
            return current
        key = SigningKey.objects.filter(active=True, not_after__gt=now).first()
        if key is None:
            raise ValidationError(_("No signing key is in use: run `phongdich dcc keys create`."))
        uvci = new_uvci(settings.DCC_COUNTRY)
        hcert = payload_for(person, dose, uvci)
        # Valid for the rules' days, and never past the signer's own certificate.
        expires = min(now + timedelta(days=in_force(VaccinationRules).certificate_valid_days), key.not_after)
        text = signer.sign(
            hcert,
            key=_private_key(str(settings.DCC_KEY_DIR), key.key_file),
            kid=bytes.fromhex(key.kid),
            issuer=settings.DCC_COUNTRY,
            issued_at=now,
            expires_at=expires,
        )
        certificate = Certificate.objects.create(
            uvci=uvci,
            uvci_hash=codec.uvci_hash(uvci),
            person=person,
            unit=person.unit,
            dose=dose,
            signing_key=key,
            text=text,
            issued_at=now.replace(microsecond=0),
            expires_at=expires.replace(microsecond=0),
            issued_by=audit.user_of(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.ISSUE,
            instance=certificate,
            person_id=person.pk,
            unit_path=person.unit.path,
            after={"uvci": uvci, "dose": dose.number, "kid": key.kid},
        )
    return certificate


def may_certify(actor, person: Person, dose: Dose | None) -> bool:
    """Officers certify the residents of their area; a site's staff, whoever had their latest dose there."""
    scope = scope_of(actor, "vaccination.add_certificate")
    return scope.covers_path(person.unit.path) or (dose is not None and dose.site_id in scope.facility_ids)


def _require(actor, person: Person, dose: Dose | None) -> None:
    if not may_certify(actor, person, dose):
        raise OutOfScope(_("No such person in your jurisdiction."))


def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Certificate.objects.restrict(actor, "change")
            .select_for_update(of=("self",))
            .filter(pk=certificate.pk)
            .first()
        )
        if locked is None:
            raise OutOfScope(_("No such certificate in your jurisdiction."))
        if not reason:
            raise ValidationError({"reason": _("Say why the certificate is revoked.")})
        if locked.revoked_at:
            raise ValidationError(_("This certificate is already revoked."))
        locked.revoked_at, locked.revoked_by, locked.revocation_reason = clock.now(), audit.user_of(actor), reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.REVOKE,
            instance=locked,
            person_id=locked.person_id,
            unit_path=locked.unit.path,
            after={"revoked_at": locked.revoked_at.isoformat(), "reason": reason},
        )
    return locked
