"""Texts to the people under an order (SMS), in Vietnamese, and the pluggable sender that delivers them.

`message_send(order=, template=, phone=, context=)` writes a `Message` row (queued) and its audit row, and
queues its delivery with the transaction; `message_deliver` runs in the background worker and sends through the
backend `PHONGDICH_SMS_BACKEND` names:

  "console"  logs the text (the default: nothing leaves the machine),
  "file"     appends it as a JSON line to PHONGDICH_SMS_FILE (under VAR_DIR by default),
  "http"     POSTs it to a gateway (PHONGDICH_SMS_HTTP_URL, a bearer token, a timeout; docs/deploy.md).

A delivery reads the row first and sends only a queued one, so a run repeated after its worker died, or a retry
queued twice, never sends a sent message again; the gateway also receives the message's id as an idempotency
key, for the moment between its answer and the row's update. A failure the gateway may get over (no answer,
a timeout, 408, 429, 5xx) is tried again by a new background run after a pause, up to PHONGDICH_SMS_ATTEMPTS;
any other failure, or the last attempt's, marks the row failed with the reason."""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from phongdich.core import audit
from phongdich.core.background import in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.validators import normalize_phone

from .choices import F0_KINDS, MessageStatus, OrderKind
from .models import IsolationOrder, Message, ReportLink

logger = logging.getLogger(__name__)

SMS_LANGUAGE = "vi"  # texts go to residents: Vietnamese whatever the language of the staff who caused them
SENDER = "care-messages"  # the actor of texts queued by code without a user (a lab result's release)
LONGEST_PAUSE = timedelta(minutes=5)  # under /healthz's "queue late" (10 minutes), which counts deferred runs too


@dataclass(frozen=True)
class Template:
    text: Promise
    keys: tuple[str, ...]  # what the context must hold (the order gives name, kind, what, start, end, day, monitor)


LINK = "link"
RELEASE = "release"
RELEASE_WITHOUT_MONITORING = "release_without_monitoring"
TEMPLATES = {
    LINK: Template(
        _(
            "%(sender)s: send your health readings twice a day (morning and afternoon) at %(url)s . If short of "
            "breath, SpO2 96%% or lower, chest pain or blue lips: %(call)s."
        ),
        ("sender", "url", "call"),
    ),
    RELEASE: Template(
        _(
            "%(name)s: you completed %(what)s on %(day)s. Your certificate can be checked at %(url)s. "
            "Keep watching your health until %(monitor)s."
        ),
        ("name", "what", "day", "url", "monitor"),
    ),
    RELEASE_WITHOUT_MONITORING: Template(
        _("%(name)s: you completed %(what)s on %(day)s. Your certificate can be checked at %(url)s."),
        ("name", "what", "day", "url"),
    ),
}


def completed_what(kind: str) -> Promise:
    """What a person under an order of this kind completes, as a text or a certificate names it."""
    if kind == OrderKind.F0_HOME:
        return _("home treatment")
    if kind in F0_KINDS:
        return _("treatment")
    return _("isolation")


def order_context(order: IsolationOrder) -> dict:
    """What every template may say about the order."""
    return {
        "name": order.person.full_name,
        "kind": order.get_kind_display(),
        "what": completed_what(order.kind),
        "start": order.starts_on,
        "end": order.planned_end,
        "day": order.ended_on,
        "monitor": order.monitor_until,
    }


def link_url(link: ReportLink) -> str:
    return f"{settings.PHONGDICH_PUBLIC_URL}{reverse('self_report', args=[link.token])}"


def link_context(link: ReportLink, order: IsolationOrder) -> dict:
    """What the link's text says: who sends it (the order's health station), where to report, whom to call."""
    station = order.facility
    with translation.override(SMS_LANGUAGE):
        phone = station.phone if station else ""
        call = _("call 115 or %(phone)s at once") % {"phone": phone} if phone else _("call 115 at once")
        return {"sender": station.name if station else _("Health station"), "url": link_url(link), "call": str(call)}


def link_text(link: ReportLink, order: IsolationOrder) -> str:
    """The SMS that gives a household its link: report twice a day, and what to do at once when it goes badly."""
    return message_text(LINK, link_context(link, order))


def message_text(template: str, context: dict) -> str:
    """The template filled in, in Vietnamese: dates as dd/mm/yyyy, times as HH:MM dd/mm/yyyy."""
    spec = TEMPLATES[template]
    absent = [key for key in spec.keys if context.get(key) in (None, "")]
    if absent:
        raise ValueError(f"The {template} text needs {', '.join(absent)}.")
    with translation.override(SMS_LANGUAGE):
        return str(spec.text) % {key: _shown(context[key]) for key in spec.keys}


def _shown(value) -> str:
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "H:i d/m/Y")
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    return str(value)


def message_send(*, order: IsolationOrder, template: str, phone: str, context: dict | None = None, actor=SENDER):
    """Queue a text about `order` to `phone`; it is sent after the commit by the background worker. `context` adds
    to (or overrides) what the order gives the template (a link, a check address, a time)."""
    try:
        number = normalize_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    text = message_text(template, order_context(order) | (context or {}))
    with transaction.atomic():
        message = Message.objects.create(order=order, unit=order.unit, phone=number, template=template, text=text)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=message,
            person_id=order.person_id,
            after={"order": order.pk, "template": template, "phone": number},
        )
        run_later(message_deliver, message.pk)
    return message


class SendFailed(Exception):
    """The backend could not send; `retry`: the gateway may accept the same text later."""

    def __init__(self, reason: str, *, retry: bool):
        super().__init__(reason)
        self.retry = retry


def message_gave_up(message_id: int, attempt: int = 1, *, error: str = "") -> None:
    """The worker running the delivery died too often: the row says so instead of staying queued."""
    Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.FAILED, error=error[:300]
    )


@in_background(gave_up=message_gave_up)
def message_deliver(message_id: int, attempt: int = 1) -> None:
    """Send a queued text once; a text already sent or failed is left alone (a repeated run sends nothing)."""
    message = Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).first()
    if message is None:
        return
    try:
        sender().send(message)
    except SendFailed as failure:
        _failed(message, str(failure), attempt, retry=failure.retry)
        return
    Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), error=""
    )


def _failed(message: Message, reason: str, attempt: int, *, retry: bool) -> None:
    reason = reason[:300]
    with transaction.atomic():
        if retry and attempt < settings.PHONGDICH_SMS_ATTEMPTS:
            Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(error=reason)
            run_later(message_deliver, message.pk, attempt + 1, delay=retry_pause(attempt))
            return
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.FAILED, error=reason
        )
    logger.warning("SMS %s to %s failed: %s", message.pk, message.phone, reason)


def retry_pause(attempt: int) -> timedelta:
    """How long to wait before the next attempt: the setting, four times longer each time, at most 5 minutes."""
    return min(timedelta(seconds=settings.PHONGDICH_SMS_RETRY_SECONDS * 4 ** (attempt - 1)), LONGEST_PAUSE)


# -- Backends ------------------------------------------------------------------------------------------------------


class ConsoleSender:
    """Writes the text to the log: for development and for a platform without a gateway yet."""

    def send(self, message: Message) -> None:
        logger.info("SMS %s to %s: %s", message.pk, message.phone, message.text)


class FileSender:
    """Appends each text as a JSON line to a file (an outbox another program may forward)."""

    def send(self, message: Message) -> None:
        path = settings.PHONGDICH_SMS_FILE
        line = json.dumps(_payload(message) | {"at": timezone.now().isoformat()}, ensure_ascii=False) + "\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as outbox:
                outbox.write(line)
        except OSError as error:
            raise SendFailed(f"{path}: {error.strerror}", retry=True) from error


RETRY_STATUSES = {408, 429}


class HttpSender:
    """POSTs {"id", "to", "text"} as JSON to the gateway with a bearer token (the contract: docs/deploy.md)."""

    def send(self, message: Message) -> None:
        url = settings.PHONGDICH_SMS_HTTP_URL
        if not url.startswith(("http://", "https://")):
            raise SendFailed(f"PHONGDICH_SMS_HTTP_URL is not an http(s) address: {url!r}", retry=False)
        request = urllib.request.Request(
            url,
            data=json.dumps(_payload(message), ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.PHONGDICH_SMS_HTTP_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.PHONGDICH_SMS_HTTP_TIMEOUT):
                return
        except urllib.error.HTTPError as error:
            body = error.read(200).decode("utf-8", "replace")
            retry = error.code in RETRY_STATUSES or error.code >= 500
            raise SendFailed(f"HTTP {error.code}: {body}".strip(), retry=retry) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise SendFailed(f"gateway unreachable: {reason}", retry=True) from error


def _payload(message: Message) -> dict:
    return {"id": f"phongdich-{message.pk}", "to": message.phone, "text": message.text}


BACKENDS = {"console": ConsoleSender, "file": FileSender, "http": HttpSender}


def sender():
    name = settings.PHONGDICH_SMS_BACKEND
    if name not in BACKENDS:
        raise SendFailed(f"unknown PHONGDICH_SMS_BACKEND {name!r}", retry=False)
    return BACKENDS[name]()
