"""Releasing a person at the end of their order: by hand from the release list, or by the labs services when
the negative result the order needs is released (`orders_release_on_negatives`, called from
labs.services.results.release for individual results, pools' members and result files alike)."""

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.bulk import json_values
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope

from ..choices import OrderStatus
from ..messages import RELEASE, RELEASE_WITHOUT_MONITORING, message_send
from ..models import IsolationOrder, ReportLink
from ..release import Readiness, readiness_of, release_check

COMPLETED = "completed"  # the end reason of a release
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from paper
CODE_GROUPS, CODE_GROUP_LENGTH = 5, 4  # 20 characters of 31: 99 bits, never guessed


def order_release(*, actor, order: IsolationOrder, released_on: date | None = None) -> IsolationOrder:
    """Release the person of an active, due order whose release test is recorded: ended, the certificate's code
    given, the self-report link revoked when none of its orders stays active, the release text queued. Refused
    with what is missing, nothing written. An order outside the actor's jurisdiction does not exist for them."""
    today = clock.today()
    on = released_on or today
    with transaction.atomic():
        order = _locked(actor, order.pk)
        if on > today:
            raise ValidationError({"released_on": _("The release day cannot be in the future.")})
        readiness = release_check(order, on)
        if not readiness.ready:
            raise ValidationError({"__all__": readiness.missing})
        return _release(actor, readiness)


def _locked(actor, pk: int) -> IsolationOrder:
    order = (
        IsolationOrder.objects.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("person", "unit", "rules")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise OutOfScope(_("No such order in your jurisdiction."))
    return order


def orders_release_on_negatives(*, actor, results: list) -> list[IsolationOrder]:
    """The labs services released negative results (`results`: (sample row, reading) pairs): release every due,
    active order of their persons whose release test is now satisfied, in the same transaction, as `actor`.
    A bulk path (a lab's file releases up to a million results): one query for the whole batch when none of its
    persons has a due order."""
    person_ids = sorted({sample.person_id for sample, _reading in results})
    if not person_ids:
        return []
    today = clock.today()
    due = list(
        IsolationOrder.objects.filter(
            person_id__in=json_values(person_ids), status=OrderStatus.ACTIVE, planned_end__lte=today
        ).select_related("person", "unit", "rules")
    )
    if not due:
        return []
    return [_release(actor, readiness) for readiness in readiness_of(due, today).values() if readiness.ready]


def _release(actor, readiness: Readiness) -> IsolationOrder:
    order = readiness.order
    before = audit.snapshot(order, RELEASE_FIELDS)
    order.status = OrderStatus.RELEASED
    order.ended_on = readiness.on
    order.end_reason = COMPLETED
    order.release_sample_id = readiness.sample.id if readiness.sample else None
    order.certificate_code = certificate_code()
    order.save(update_fields=RELEASE_FIELDS)
    revoked = _revoke_link_if_unused(order)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=order,
        person_id=order.person_id,
        before=before,
        after=audit.snapshot(order, RELEASE_FIELDS),
        detail={"release": readiness.sample.barcode if readiness.sample else "", "link_revoked": revoked},
    )
    _text_the_release(actor, order)
    return order


RELEASE_FIELDS = ["status", "ended_on", "end_reason", "release_sample", "certificate_code"]


def certificate_code() -> str:
    """An unguessable code for the public check, in groups easy to read out: "K7QM-2XHD-…"."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(letters[i : i + CODE_GROUP_LENGTH] for i in range(0, len(letters), CODE_GROUP_LENGTH))


def certificate_check_url(order: IsolationOrder) -> str:
    return settings.PHONGDICH_PUBLIC_URL + reverse("certificate_check", args=[order.certificate_code])


def _revoke_link_if_unused(order: IsolationOrder) -> int | None:
    """The self-report link ends with the last active order on it (a household's members share one)."""
    if order.link_id is None:
        return None
    if IsolationOrder.objects.filter(link_id=order.link_id, status=OrderStatus.ACTIVE).exists():
        return None
    revoked = ReportLink.objects.filter(pk=order.link_id, revoked_at__isnull=True).update(revoked_at=clock.now())
    return order.link_id if revoked else None


def _text_the_release(actor, order: IsolationOrder) -> None:
    """The release text with the certificate's check address, when the register has the person's phone."""
    phone = order.person.phone
    if not phone:
        return
    ended = order.ended_on or clock.today()
    monitoring = order.monitor_until is not None and order.monitor_until > ended
    context = {"url": certificate_check_url(order)}
    try:
        message_send(
            order=order,
            template=RELEASE if monitoring else RELEASE_WITHOUT_MONITORING,
            phone=phone,
            context=context,
            actor=actor,
        )
    except ValidationError:  # a number the register kept from before its checks: the release stands without a text
        return
