"""Check-in ingestion: scanner and app batches and the public page; every item is judged on its own."""

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from phongdich.core import audit, clock, validators
from phongdich.core.bulk import db_datetime, insert_new
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import Scope, scope_of
from phongdich.people.cards import CARD_PREFIX, card_holder_id
from phongdich.people.models import Person
from phongdich.places.models import Venue

from ..choices import (
    CheckInOutcome,
    CheckInSource,
)
from ..models import CheckIn, DeclaredCheckIn

log = logging.getLogger(__name__)


MAX_BATCH = 1000


CHECKIN_COLUMNS = [
    "client_id",
    "sender",
    "venue",
    "unit",
    "person",
    "checked_in_at",
    "checked_out_at",
    "source",
    "received_at",
    "recorded_by",
]


@dataclass
class ItemResult:
    client_id: str
    status: str
    code: str = ""
    message: str = ""


# A batch repeats numbers; normalising each distinct one once is enough.


normalize_id_number = lru_cache(maxsize=65536)(validators.normalize_id_number)


normalize_phone = lru_cache(maxsize=65536)(validators.normalize_phone)


class VenueRef(NamedTuple):
    pk: int
    unit_id: int
    unit_path: str


class ItemError(Exception):
    def __init__(self, code: str, message: str, status: str = CheckInOutcome.REJECTED):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def client_id_conflict() -> ItemError:
    message = _("This client id was already used for a different check-in.")
    return ItemError("client_id_conflict", message, CheckInOutcome.CONFLICT)


class Content(NamedTuple):
    """What makes two check-ins with one client id the same check-in."""

    venue_id: int
    person_id: int
    checked_in_at: datetime
    checked_out_at: datetime | None


def checkin_batch_ingest(
    *, actor, items: list[dict], source: str = CheckInSource.SCANNER, sender: str = ""
) -> list[ItemResult]:
    """Store the valid, new check-ins of a batch (up to MAX_BATCH) and say what happened to each item.

    Client ids are unique per `sender` (the API token or account the batch came with; the actor's account by
    default): retrying a batch stores nothing twice, resending an id with other content is a conflict, and
    another device may use the same ids. A bad item never stops the others."""
    if len(items) > MAX_BATCH:
        raise ValidationError({"items": _("At most %(n)d check-ins per batch.") % {"n": MAX_BATCH}})
    if source not in CheckInSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    sender = sender or f"user:{actor.pk}"
    return _ingest(actor, items, source, scope_of(actor, "surveillance.add_checkin"), sender)


def checkin_self_record(*, venue_token: str, number: str, client_id: str) -> ItemResult:
    """A visitor checking in on the public page opened from the venue's QR code. The venue's signed token is
    the authority for the venue; the page's own id for the visit makes a resubmitted form count once.

    The text of a personal QR card is signed and only its holder carries it: the holder is checked in. A phone
    or CCCD/CMND number proves nothing about who typed it, so it is kept as a declared check-in, attached to
    nobody (see DeclaredCheckIn); the number is not even looked up, so the answer and the time it takes are
    the same whether or not someone is registered with it."""
    number = number.strip()
    if number.startswith(CARD_PREFIX):
        item = {"client_id": client_id, "venue_token": venue_token, "checked_in_at": clock.now().isoformat()}
        item["person_card"] = number
        return _ingest("public", [item], CheckInSource.WEB, Scope(everywhere=True), "web")[0]
    return _declared_record(venue_token, number, client_id)


def _declared_record(venue_token: str, number: str, client_id: str) -> ItemResult:
    try:
        declared = declared_number(number)
        venue = Venue.from_token(Venue.token_in(venue_token))
    except ValidationError:
        message = _("Type a phone number, a CCCD/CMND number or the code of your personal QR card.")
        return ItemResult(client_id, CheckInOutcome.REJECTED, "number_invalid", message)
    except (signing.BadSignature, Venue.DoesNotExist):
        return ItemResult(client_id, CheckInOutcome.REJECTED, "venue_unknown", _("No active venue has this code."))
    with transaction.atomic():
        checkin, created = DeclaredCheckIn.objects.get_or_create(
            client_id=client_id[:64],
            defaults={"venue": venue, "unit_id": venue.unit_id, "number": declared, "checked_in_at": clock.now()},
        )
        if created:
            audit.record(actor="public", action=AuditAction.CREATE, instance=checkin, unit_path=venue.unit.path)
    return ItemResult(client_id, CheckInOutcome.ACCEPTED if created else CheckInOutcome.DUPLICATE)


def declared_number(number: str) -> str:
    """A typed number in its stored form: a CCCD (12 digits) or CMND (9) as digits, a phone as +84…;
    raises ValidationError for anything else."""
    digits = re.sub(r"[\s.+()-]", "", number)
    if digits.isdigit() and len(digits) in (9, 12):  # a CMND or a CCCD; phone numbers have 10 or 11 digits
        return validators.normalize_id_number(digits)
    return validators.normalize_phone(number)


def _ingest(actor, items: list[dict], source: str, scope: Scope, sender: str) -> list[ItemResult]:
    batch = _Batch(items, scope, sender)
    results: list[ItemResult] = []
    new: dict[str, tuple] = {}
    received_at, recorded_by = db_datetime(clock.now()), getattr(actor, "pk", None)
    for item in items:
        client_id = str(item.get("client_id") or "")[:64] if isinstance(item, dict) else ""
        try:
            content = batch.check(item, client_id)
        except ItemError as error:
            results.append(ItemResult(client_id, error.status, error.code, error.message))
            continue
        if content is None:
            results.append(ItemResult(client_id, CheckInOutcome.DUPLICATE))
            continue
        new[client_id] = (client_id, sender, *_database_values(batch, content), source, received_at, recorded_by)
        results.append(ItemResult(client_id, CheckInOutcome.ACCEPTED))
    with transaction.atomic():
        inserted = insert_new(CheckIn, CHECKIN_COLUMNS, list(new.values()), unique=("sender", "client_id"))
        _judge_lost_races(batch, results, set(new) - {client_id for _sender, client_id in inserted})
        counts = Counter(r.status for r in results)
        rejected = Counter(r.code for r in results if r.code)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="surveillance.checkin",
            object_repr=f"{counts[CheckInOutcome.ACCEPTED]} check-ins",
            detail={**counts, "rejected_by_reason": dict(rejected)},
        )
    if rejected:
        log.info("check-in batch from %s: %s rejected %s", actor, sum(rejected.values()), dict(rejected))
    return results


def _database_values(batch: "_Batch", content: Content) -> tuple:
    """The content's values in CHECKIN_COLUMNS order, between the sender and the source."""
    checked_out_at = db_datetime(content.checked_out_at) if content.checked_out_at else None
    unit_id = batch.units[content.venue_id]
    return (content.venue_id, unit_id, content.person_id, db_datetime(content.checked_in_at), checked_out_at)


def _judge_lost_races(batch: "_Batch", results: list[ItemResult], lost: set[str]) -> None:
    """Items another upload stored between this batch's look-up and its insert: "accepted" only for what this
    insert wrote; the rest are duplicates or conflicts of what the other upload stored."""
    if not lost:
        return
    stored = batch.stored_contents(lost)
    for result in results:
        if result.client_id in lost:
            if stored.get(result.client_id) == batch.contents[result.client_id]:
                result.status = CheckInOutcome.DUPLICATE
            else:
                error = client_id_conflict()
                result.status, result.code, result.message = error.status, error.code, error.message


class _Batch:
    """What one batch needs looked up, fetched in a handful of queries rather than per item."""

    def __init__(self, items: list[dict], scope: Scope, sender: str):
        self.now = clock.now()
        self.scope = scope
        self.sender = sender
        self.future = timedelta(seconds=settings.PHONGDICH_CHECKIN_FUTURE_TOLERANCE_SECONDS)
        self.oldest = self.now - timedelta(days=settings.PHONGDICH_CHECKIN_MAX_AGE_DAYS)
        dicts = [i for i in items if isinstance(i, dict)]
        self.stored = self.stored_contents({str(i.get("client_id") or "")[:64] for i in dicts})
        self.contents: dict[str, Content] = {}  # this batch's items by client id, the first of each
        self.units: dict[int, int] = {}
        self.venues = self._venues({Venue.token_in(str(i.get("venue_token") or "")) for i in dicts})
        self.by_phone, self.by_id = self._persons(dicts)

    def stored_contents(self, client_ids: set[str]) -> dict[str, Content]:
        found = CheckIn.objects.filter(sender=self.sender, client_id__in=client_ids)
        fields = ("client_id", "venue_id", "person_id", "checked_in_at", "checked_out_at")
        return {row[0]: Content(*row[1:]) for row in found.values_list(*fields)}

    def check(self, item, client_id: str) -> Content | None:
        """The item's content if it is a new check-in, None if it repeats one already received (in this batch
        or before), ItemError for an invalid item or an id already used for other content. A repeat is not
        held to the age limit: a device retrying an old upload must hear "duplicate"."""
        if not isinstance(item, dict) or not client_id:
            raise ItemError("client_id_missing", _("Each check-in needs a client id."))
        earlier = self.stored.get(client_id) or self.contents.get(client_id)
        content = self._content(item, bounded=earlier is None)
        if earlier is not None:
            if content != earlier:
                raise client_id_conflict()
            return None
        self.contents[client_id] = content
        return content

    def _content(self, item: dict, bounded: bool) -> Content:
        venue = self._venue(Venue.token_in(str(item.get("venue_token") or "")))
        person_id = self._person(item)
        checked_in_at = self._time(item.get("checked_in_at"), "checked_in_at", bounded)
        out = item.get("checked_out_at")
        checked_out_at = self._time(out, "checked_out_at", bounded) if out else None
        if checked_out_at and checked_out_at < checked_in_at:
            raise ItemError("checkout_before_checkin", _("The check-out is before the check-in."))
        self.units[venue.pk] = venue.unit_id
        return Content(venue.pk, person_id, checked_in_at, checked_out_at)

    def _venues(self, tokens: set[str]) -> dict[str, VenueRef | str]:
        """token -> (venue id, unit id, unit path), or the error code for a forged or unknown token."""
        signer = signing.Signer(salt=settings.PHONGDICH_VENUE_TOKEN_SALT)
        keys: dict[str, str] = {}
        found: dict[str, VenueRef | str] = {}
        for token in tokens:
            try:
                keys[signer.unsign(token)] = token
            except signing.BadSignature:
                found[token] = "venue_token_forged"
        venues = Venue.objects.filter(key__in=keys, active=True).values_list("key", "pk", "unit_id", "unit__path")
        by_key = {key: VenueRef(pk, unit_id, path) for key, pk, unit_id, path in venues}
        for key, token in keys.items():
            found[token] = by_key.get(key, "venue_unknown")
        return found

    def _venue(self, token: str) -> VenueRef:
        venue = self.venues.get(token, "venue_token_forged")
        if venue == "venue_token_forged":
            raise ItemError("venue_token_forged", _("The venue code is not one this platform issued."))
        if isinstance(venue, str):
            raise ItemError("venue_unknown", _("No active venue has this code."))
        if not self.scope.covers_path(venue.unit_path):
            raise ItemError("venue_outside_jurisdiction", _("This venue is outside your jurisdiction."))
        return venue

    def _persons(self, items: list[dict]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        phones, numbers = set(), set()
        for item in items:
            try:
                if item.get("phone"):
                    phones.add(normalize_phone(str(item["phone"])))
                if item.get("id_number"):
                    numbers.add(normalize_id_number(str(item["id_number"])))
            except ValidationError:
                continue
        active = Person.objects.filter(merged_into__isnull=True)
        by_phone: dict[str, list[int]] = {}
        for pk, phone in active.filter(phone__in=phones).values_list("pk", "phone"):
            by_phone.setdefault(phone, []).append(pk)
        by_id: dict[str, list[int]] = {}
        for pk, number in active.filter(id_number__in=numbers).values_list("pk", "id_number"):
            by_id.setdefault(number, []).append(pk)
        return by_phone, by_id

    def _person(self, item: dict) -> int:
        """The one person a CCCD/CMND (preferred) or a phone number names."""
        if item.get("person_card"):
            return self._card_holder(str(item["person_card"]))
        try:
            if item.get("id_number"):
                matches = self.by_id.get(normalize_id_number(str(item["id_number"])), [])
            elif item.get("phone"):
                matches = self.by_phone.get(normalize_phone(str(item["phone"])), [])
            else:
                raise ItemError("person_missing", _("Give the person's CCCD/CMND or phone number."))
        except ValidationError as error:
            raise ItemError("person_number_invalid", error.messages[0]) from error
        if not matches:
            raise ItemError("person_unknown", _("No registered person has this number."))
        if len(matches) > 1:
            raise ItemError("person_ambiguous", _("Several people share this number; use the CCCD/CMND."))
        return matches[0]

    @staticmethod
    def _card_holder(text: str) -> int:
        try:
            pk = card_holder_id(text)
        except signing.BadSignature as error:
            raise ItemError("person_card_forged", _("This personal QR code was not issued by the platform.")) from error
        if not Person.objects.active().filter(pk=pk).exists():
            raise ItemError("person_unknown", _("No registered person has this number."))
        return pk

    def _time(self, value, field: str, bounded: bool = True) -> datetime:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise ItemError("time_invalid", _("%(field)s is not an ISO 8601 time.") % {"field": field})
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # scanners without a zone record local (Vietnam) time
        if not bounded:
            return moment
        if moment > self.now + self.future:
            raise ItemError("time_in_future", _("%(field)s is in the future.") % {"field": field})
        if moment < self.oldest:
            raise ItemError("time_too_old", _("%(field)s is older than the platform accepts.") % {"field": field})
        return moment
