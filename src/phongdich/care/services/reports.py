"""Self-reports and what they raise: the personal link, a reading, its warning signs and alert, what was done about
an alert, and the sweeps that escalate unanswered alerts and raise missed-report alerts."""

import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import OutOfScope, scope_filter, scope_of
from phongdich.core.uniqueness import created_once

from ..choices import ActionKind, AlertKind, AlertStatus, OrderKind, OrderStatus, ReportSource, Severity, Symptom
from ..messages import LINK, link_context, message_send
from ..models import Alert, AlertAction, IsolationOrder, ReportLink, SelfReport, WarningRules
from ..warnings import Evaluation, Reading, age_in_years, evaluate

SWEEP_ACTOR = "care-sweep"
# Plausible readings (the issue's ranges); outside them a reading is a typing or measuring mistake.
SPO2 = (50, 100)
BREATHING = (5, 80)
PULSE = (20, 250)
TEMPERATURE = (Decimal(34), Decimal(43))
SYSTOLIC = (50, 260)
DIASTOLIC = (20, 160)
FUTURE_SLACK = timedelta(minutes=5)  # a phone's clock a little ahead of the server's
NOTE_MAX = 300
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Missed reports are looked for among people at home: F0 treated at home first, F1 quarantined at home too.
# Who reports twice a day: the F0 treated at home (their quarantined household may report through the same link, but
# is not asked to twice a day).
MISSED_REPORT_KINDS = (OrderKind.F0_HOME,)


def link_actor(link: ReportLink) -> str:
    """The named actor of reports sent through a personal link: the audit trail says which link."""
    return f"self-report:{link.pk}"


# -- The personal link ------------------------------------------------------------------------------------------


def link_issue(*, actor, orders: Iterable[IsolationOrder]) -> ReportLink:
    """A new personal link for a household's active orders (several members report through it); the links these
    orders had are revoked, so an old card or SMS stops working."""
    wanted = {order.pk for order in orders}
    with transaction.atomic():
        found = list(
            orders_in_scope(actor, "care.add_reportlink", IsolationOrder.objects.filter(pk__in=wanted))
            .select_for_update(of=("self",))
            .select_related("unit", "person", "facility")
        )
        if len(found) != len(wanted) or not wanted:
            raise OutOfScope
        _check_linkable(found)
        now = clock.now()
        old = ReportLink.objects.filter(orders__in=found, revoked_at=None).distinct()
        revoked = [link.pk for link in old]
        ReportLink.objects.filter(pk__in=revoked).update(revoked_at=now)
        link = ReportLink.objects.create(
            token=secrets.token_urlsafe(32), unit=found[0].unit, created_by=audit.user_of(actor)
        )
        IsolationOrder.objects.filter(pk__in=[order.pk for order in found]).update(link=link)
        for order in found:
            order.link = link
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=link,
            person_id=found[0].person_id,
            after={"orders": sorted(wanted), "revoked_links": revoked},
        )
        _link_texted(actor, link, found)
    return link


def _link_texted(actor, link: ReportLink, orders: list[IsolationOrder]) -> None:
    """The link goes by SMS to each member with a phone number (a number shared in the household, once)."""
    sent: set[str] = set()
    for order in orders:
        phone = order.person.phone
        if not phone or phone in sent:
            continue
        sent.add(phone)
        try:
            message_send(order=order, template=LINK, phone=phone, context=link_context(link, order), actor=actor)
        except ValidationError:  # a number that cannot take a text: the card and the page's copy remain
            continue


def _check_linkable(orders: list[IsolationOrder]) -> None:
    ended = [order for order in orders if order.status != OrderStatus.ACTIVE]
    if ended:
        raise ValidationError(
            {"orders": _("A link is only for active orders: order #%(id)s has ended.") % {"id": ended[0].pk}}
        )
    households = {order.household_id or f"person-{order.person_id}" for order in orders}
    if len(households) > 1:
        raise ValidationError({"orders": _("One link serves the members of one household.")})


def link_revoke(*, actor, link: ReportLink) -> ReportLink:
    with transaction.atomic():
        locked = ReportLink.objects.restrict(actor, "change").select_for_update().filter(pk=link.pk).first()
        if locked is None:
            raise OutOfScope
        if locked.revoked_at is None:
            locked.revoked_at = clock.now()
            locked.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=locked,
                before={"revoked_at": None},
                after={"revoked_at": audit.snapshot(locked, ["revoked_at"])["revoked_at"]},
            )
    return locked


def link_orders(link: ReportLink) -> list[IsolationOrder]:
    """The orders one may report for through the link: none once it is revoked; the active ones otherwise."""
    if link.revoked_at is not None:
        return []
    return list(
        IsolationOrder.objects.filter(link=link, status=OrderStatus.ACTIVE)
        .select_related("person", "unit")
        .order_by("person__birth_year", "pk")
    )


def link_works(link: ReportLink) -> bool:
    return link.revoked_at is None and IsolationOrder.objects.filter(link=link, status=OrderStatus.ACTIVE).exists()


# -- A reading --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """What a report says, as compared when the same client id comes again."""

    order_id: int
    measured_at: datetime
    reading: Reading
    note: str


def report_submit(
    *,
    actor,
    order: IsolationOrder,
    client_id: str,
    measured_at: datetime,
    spo2=None,
    breathing_rate=None,
    pulse=None,
    temperature=None,
    systolic=None,
    diastolic=None,
    symptoms: Iterable[str] = (),
    note: str = "",
    source: str = ReportSource.LINK,
) -> tuple[SelfReport, bool]:
    """Store a reading for a person under an active order -> (report, True); the same client id again with the
    same content -> (the stored report, False), nothing written. Every field is checked and all errors are told
    at once, field by field. A reading with a warning sign raises an alert for the order's health station and
    residential group, due to be acknowledged and escalated by the rules in force."""
    if audit.user_of(actor) is not None:
        _check_staff(actor, order)
    client_id = (client_id or "").strip()
    errors: dict[str, list[str]] = {}
    if not CLIENT_ID.match(client_id):
        errors["client_id"] = [_("The report id must be 1 to 64 letters, digits, dots, colons, '-' or '_'.")]
    reading = _reading(errors, spo2, breathing_rate, pulse, temperature, systolic, diastolic, symptoms)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("At most %(count)d characters.") % {"count": NOTE_MAX}]
    measured_at = _aware(measured_at)
    submitted = Submitted(order.pk, measured_at, reading, note)
    _check_time(errors, order, measured_at)
    _check_active(errors, order)
    if errors:
        # A retry of a report stored before its order ended (or before the clock moved on) answers as the first time.
        if "client_id" not in errors and (stored := _stored(client_id)) is not None:
            return _same_or_refused(stored, submitted), False
        raise ValidationError(errors)
    # A retry is found by its client id on the insert (the database's unique rule), not looked up before: most
    # reports are new, and their one write transaction is all they cost.
    with transaction.atomic():
        report, created = created_once(
            lambda: _report_store(actor, order, client_id, submitted, source),
            lambda: _stored(client_id),
        )
    if not created:
        return _same_or_refused(report, submitted), False
    return report, True


def _aware(value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError({"measured_at": [_("Give the date and time of the measurement.")]})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _reading(errors, spo2, breathing_rate, pulse, temperature, systolic, diastolic, symptoms) -> Reading:
    given = {
        "spo2": spo2,
        "breathing_rate": breathing_rate,
        "pulse": pulse,
        "systolic": systolic,
        "diastolic": diastolic,
    }
    values = {name: _whole(errors, name, value) for name, value in given.items()}
    if values["systolic"] is not None and values["diastolic"] is not None and values["diastolic"] >= values["systolic"]:
        errors.setdefault("diastolic", []).append(
            _("The lower number (diastolic) must be below the higher number (systolic).")
        )
    return Reading(**values, temperature=_temperature(errors, temperature), symptoms=_symptoms(errors, symptoms))


def _implausible(name: str) -> str:
    """What is said of a whole-number reading outside its plausible range, with %(value)s, %(low)s and %(high)s."""
    return {
        "spo2": _("SpO₂ of %(value)s %% is not possible: enter a value from %(low)s to %(high)s %%."),
        "breathing_rate": _(
            "A breathing rate of %(value)s a minute is not plausible: count the breaths for one full minute "
            "(%(low)s to %(high)s)."
        ),
        "pulse": _("A pulse of %(value)s a minute is not plausible: enter a value from %(low)s to %(high)s."),
        "systolic": _(
            "A systolic pressure (the higher number) of %(value)s mmHg is not plausible: enter a value from %(low)s "
            "to %(high)s."
        ),
        "diastolic": _(
            "A diastolic pressure (the lower number) of %(value)s mmHg is not plausible: enter a value from %(low)s "
            "to %(high)s."
        ),
    }[name]


PLAUSIBLE = {"spo2": SPO2, "breathing_rate": BREATHING, "pulse": PULSE, "systolic": SYSTOLIC, "diastolic": DIASTOLIC}


def _whole(errors: dict, name: str, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        errors[name] = [_("Enter a whole number.")]
        return None
    low, high = PLAUSIBLE[name]
    if not low <= number <= high:
        errors[name] = [_implausible(name) % {"value": localize(int(number)), "low": low, "high": high}]
        return None
    return int(number)


def _temperature(errors: dict, value) -> Decimal | None:
    """°C to one decimal; a value a thermometer in °F would show (98.6) is explained with its °C value."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors["temperature"] = [_("Enter a number, such as 37.5.")]
        return None
    low, high = TEMPERATURE
    if low <= number <= high:
        return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    celsius = ((number - 32) * 5 / 9).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if low <= celsius <= high:
        errors["temperature"] = [
            _("%(value)s looks like degrees Fahrenheit, which is %(celsius)s °C. Enter the temperature in °C.")
            % {"value": localize(number), "celsius": localize(celsius)}
        ]
    else:
        errors["temperature"] = [
            _("A temperature of %(value)s °C is not plausible: enter a value from %(low)s to %(high)s °C.")
            % {"value": localize(number), "low": low, "high": high}
        ]
    return None


def _symptoms(errors: dict, symptoms: Iterable[str]) -> tuple[str, ...]:
    given = list(symptoms or ())
    known = set(Symptom.values)
    unknown = [str(code)[:40] for code in given if code not in known]
    if unknown or len(given) > len(known):
        errors["symptoms"] = [_("Not on the checklist: %(codes)s.") % {"codes": ", ".join(unknown[:5])}]
        return ()
    return tuple(code for code in Symptom.values if code in set(given))  # in the checklist's order, once each


def _check_time(errors: dict, order: IsolationOrder, measured_at: datetime) -> None:
    now = clock.now()
    if measured_at > now + FUTURE_SLACK:
        errors["measured_at"] = [_("The time of the measurement is in the future: check the phone's date and time.")]
    elif timezone.localdate(measured_at) < order.starts_on:
        errors["measured_at"] = [
            _("The measurement is from before the isolation began (%(day)s).") % {"day": _day(order.starts_on)}
        ]


def _check_active(errors: dict, order: IsolationOrder) -> None:
    if order.status == OrderStatus.ACTIVE:
        return
    ended = _day(order.ended_on) if order.ended_on else ""
    errors["order"] = [
        _("This isolation or treatment ended on %(day)s (%(status)s): reports are no longer taken.")
        % {"day": ended, "status": order.get_status_display().lower()}
        if ended
        else _("This isolation or treatment has ended (%(status)s): reports are no longer taken.")
        % {"status": order.get_status_display().lower()}
    ]


def _day(day) -> str:
    return date_format(day, "d/m/Y")


def _check_staff(actor, order: IsolationOrder) -> None:
    if not orders_in_scope(actor, "care.add_selfreport", IsolationOrder.objects.filter(pk=order.pk)).exists():
        raise OutOfScope


def orders_in_scope(actor, permission: str, orders):
    """The orders among `orders` in the actor's scope for a care permission (a named system actor: all)."""
    scope = scope_of(actor, permission)
    if scope.everywhere:
        return orders
    if scope.is_empty:
        return orders.none()
    return orders.filter(scope_filter(IsolationOrder, scope))


def _stored(client_id: str) -> SelfReport | None:
    return SelfReport.objects.filter(client_id=client_id).first()


def _same_or_refused(stored: SelfReport, submitted: Submitted) -> SelfReport:
    if _content(stored) != submitted:
        raise ValidationError(
            {
                "client_id": [
                    _("This report id was already used for a different report: send a new report with a new id.")
                ]
            }
        )
    return stored


def _content(report: SelfReport) -> Submitted:
    reading = Reading(
        spo2=report.spo2,
        breathing_rate=report.breathing_rate,
        pulse=report.pulse,
        temperature=Decimal(report.temperature).quantize(Decimal("0.1")) if report.temperature is not None else None,
        systolic=report.systolic,
        diastolic=report.diastolic,
        symptoms=tuple(report.symptoms),
    )
    return Submitted(report.order_id, report.measured_at, reading, report.note)


def _report_store(actor, order: IsolationOrder, client_id: str, submitted: Submitted, source: str) -> SelfReport:
    """The report, its alert, the order's last report and severity, and the audit row: one transaction."""
    rules = warning_rules_on(timezone.localdate(submitted.measured_at))
    age = age_in_years(order.person.birth_date, order.person.birth_year, timezone.localdate(submitted.measured_at))
    evaluation = evaluate(submitted.reading, rules, age)
    _order_reported(order, submitted.measured_at, evaluation.severity)
    reading = submitted.reading
    report = SelfReport.objects.create(
        order=order,
        person_id=order.person_id,
        unit_id=order.unit_id,
        client_id=client_id,
        source=source,
        measured_at=submitted.measured_at,
        spo2=reading.spo2,
        breathing_rate=reading.breathing_rate,
        pulse=reading.pulse,
        temperature=reading.temperature,
        systolic=reading.systolic,
        diastolic=reading.diastolic,
        symptoms=list(reading.symptoms),
        note=submitted.note,
        warning_signs=evaluation.signs,
        severity=evaluation.severity,
        recorded_by=audit.user_of(actor),
    )
    alert = _alert_raise(order, report, evaluation, rules) if evaluation.is_warning else None
    report.raised_alert = alert  # type: ignore[attr-defined]  # what the answer says, without reading it back
    closed = _missed_alerts_close(order)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=report,
        person_id=order.person_id,
        unit_path=order.unit.path,
        after=audit.snapshot(report),
        detail={"alert": alert.pk if alert else None, "missed_alerts_closed": closed} if alert or closed else None,
    )
    return report


RULES_CACHE_SECONDS = 60
_rules_cache: dict[date, tuple[float, WarningRules]] = {}


def warning_rules_on(day: date) -> WarningRules:
    """The warning-sign rules in force on a day, kept by the process for a minute: every report needs them, and a
    new version is recorded ahead of the day it takes effect."""
    now = time.monotonic()
    cached = _rules_cache.get(day)
    if cached is None or now - cached[0] > RULES_CACHE_SECONDS:
        if len(_rules_cache) > 64:
            _rules_cache.clear()
        cached = _rules_cache[day] = (now, in_force(WarningRules, day))
    return cached[1]


def _order_reported(order: IsolationOrder, measured_at: datetime, severity: str) -> None:
    """The order's last report and, when this reading is its newest, its severity; refused if the order ended
    meanwhile (the update finds no active order)."""
    newest = Q(last_report_at__isnull=True) | Q(last_report_at__lte=measured_at)
    updated = IsolationOrder.objects.filter(pk=order.pk, status=OrderStatus.ACTIVE).update(
        last_report_at=Greatest(Coalesce("last_report_at", Value(measured_at)), Value(measured_at)),
        severity=Case(When(newest, then=Value(severity)), default=F("severity")),
    )
    if not updated:
        order.refresh_from_db(fields=["status", "ended_on"])
        errors: dict[str, list[str]] = {}
        _check_active(errors, order)
        raise ValidationError(errors or {"order": [_("This order cannot take reports.")]})
    if order.last_report_at is None or order.last_report_at <= measured_at:
        order.last_report_at, order.severity = measured_at, severity


def _alert_raise(order: IsolationOrder, report: SelfReport, evaluation: Evaluation, rules: WarningRules) -> Alert:
    now = clock.now()
    return Alert.objects.create(
        order=order,
        person_id=order.person_id,
        unit_id=order.unit_id,
        facility_id=order.facility_id,
        kind=AlertKind.WARNING_SIGN,
        severity=evaluation.severity,
        report=report,
        signs=evaluation.signs,
        raised_at=now,
        acknowledge_by=now + timedelta(minutes=rules.acknowledge_minutes),
        escalate_at=now + timedelta(minutes=rules.escalate_minutes),
    )


def _missed_alerts_close(order: IsolationOrder) -> int:
    """A report ends the missed-report alerts still open for the order: the person is heard from again. The note is
    stored in the platform's language, like any note a user writes."""
    with translation.override(settings.LANGUAGE_CODE):
        note = _("A report arrived.")
    return Alert.objects.filter(order=order, kind=AlertKind.MISSED_REPORTS, closed_at=None).update(
        status=AlertStatus.CLOSED, closed_at=clock.now(), close_note=note
    )


# -- What was done about an alert -------------------------------------------------------------------------------


def _alert_locked(actor, alert: Alert) -> Alert:
    locked = Alert.objects.restrict(actor, "change").select_for_update().filter(pk=alert.pk).first()
    if locked is None:
        raise OutOfScope
    return locked


def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    """Someone of the station or team has seen the alert and takes it on; a second acknowledgement changes
    nothing. A closed alert cannot be acknowledged."""
    with transaction.atomic():
        locked = _alert_locked(actor, alert)
        if locked.status == AlertStatus.CLOSED:
            raise ValidationError(_("This alert is already closed."))
        if locked.status == AlertStatus.OPEN:
            _acknowledged(actor, locked)
    return locked


def _acknowledged(actor, alert: Alert) -> None:
    before = audit.snapshot(alert, ["status", "acknowledged_at", "acknowledged_by"])
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by = audit.user_of(actor)
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    after = audit.snapshot(alert, ["status", "acknowledged_at", "acknowledged_by"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=alert, person_id=alert.person_id, before=before, after=after
    )


def alert_action_record(
    *, actor, alert: Alert, kind: str, note: str = "", done_at: datetime | None = None
) -> AlertAction:
    """What was done (advice, a medicine package, a doctor's visit, a transfer requested, 115 called…); doing
    something about an open alert acknowledges it."""
    note = (note or "").strip()
    done_at = _aware(done_at) if done_at is not None else clock.now()
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        errors["kind"] = [_("Choose what was done.")]
    if kind == ActionKind.OTHER and not note:
        errors["note"] = [_("Say what was done.")]
    if len(note) > NOTE_MAX:
        errors["note"] = [_("At most %(count)d characters.") % {"count": NOTE_MAX}]
    if done_at > clock.now() + FUTURE_SLACK:
        errors["done_at"] = [_("This time is in the future.")]
    with transaction.atomic():
        locked = _alert_locked(actor, alert)
        if done_at < locked.raised_at - FUTURE_SLACK:
            errors["done_at"] = [_("This time is before the alert was raised.")]
        if locked.status == AlertStatus.CLOSED:
            errors["__all__"] = [_("This alert is already closed.")]
        if errors:
            raise ValidationError(errors)
        if locked.status == AlertStatus.OPEN:
            _acknowledged(actor, locked)
        action = AlertAction.objects.create(
            alert=locked, kind=kind, note=note, done_at=done_at, done_by=audit.user_of(actor)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=action,
            person_id=locked.person_id,
            unit_path=audit.unit_path_of(locked),
            after=audit.snapshot(action),
        )
    return action


def alert_close(*, actor, alert: Alert, note: str) -> Alert:
    note = (note or "").strip()
    with transaction.atomic():
        locked = _alert_locked(actor, alert)  # out of scope: not found, whatever else is wrong
        if not note:
            raise ValidationError({"note": [_("Say how it ended (settled at home, transferred, …).")]})
        if len(note) > NOTE_MAX:
            raise ValidationError({"note": [_("At most %(count)d characters.") % {"count": NOTE_MAX}]})
        if locked.status == AlertStatus.CLOSED:
            raise ValidationError(_("This alert is already closed."))
        fields = ["status", "closed_at", "closed_by", "close_note", "acknowledged_at", "acknowledged_by"]
        before = audit.snapshot(locked, fields)
        now, user = clock.now(), audit.user_of(actor)
        if locked.acknowledged_at is None:
            locked.acknowledged_at, locked.acknowledged_by = now, user
        locked.status, locked.closed_at, locked.closed_by, locked.close_note = AlertStatus.CLOSED, now, user, note
        locked.save(update_fields=fields)
        changed_before, changed_after = audit.diff(before, audit.snapshot(locked, fields))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            person_id=locked.person_id,
            before=changed_before,
            after=changed_after,
        )
    return locked


# -- Sweeps (core.background runs them every few minutes: care.tasks) ------------------------------------------


def alerts_escalate(now: datetime | None = None) -> int:
    """Warning-sign alerts nobody acknowledged by their escalation time go to the district (its officers see them
    first on their queue). Missed-report alerts stay with the station and team, on their call list. Returns the
    number escalated; a run that escalates any is audited as one row naming the count."""
    now = now or clock.now()
    with transaction.atomic():
        count = Alert.objects.filter(
            status=AlertStatus.OPEN, kind=AlertKind.WARNING_SIGN, escalated_at=None, escalate_at__lte=now
        ).update(escalated_at=now)
        if count:
            audit.record(
                actor=SWEEP_ACTOR,
                action=AuditAction.UPDATE,
                object_type="care.alert",
                object_repr=f"{count} alerts escalated to the district",
                detail={"escalated": count, "at": now.isoformat()},
            )
    return count


def missed_reports_sweep(now: datetime | None = None) -> int:
    """An alert for each F0 treated at home who has sent no report for the
    rules' hours since their last report (or since their order was recorded) and has had no missed-report alert
    since: once per gap. A few statements whatever the number of people; audited as one row naming the count."""
    now = now or clock.now()
    rules = in_force(WarningRules, timezone.localdate(now))
    cutoff = now - timedelta(hours=rules.missed_report_hours)
    with transaction.atomic():
        marked = _missed_orders_mark(now, cutoff)
        count = _missed_alerts_insert(now, rules) if marked else 0
        if count:
            audit.record(
                actor=SWEEP_ACTOR,
                action=AuditAction.CREATE,
                object_type="care.alert",
                object_repr=f"{count} missed-report alerts",
                detail={"missed_reports": count, "hours": rules.missed_report_hours, "at": now.isoformat()},
            )
    return count


def _missed_orders_mark(now: datetime, cutoff: datetime) -> int:
    heard_from = Coalesce("last_report_at", "created_at")
    return (
        IsolationOrder.objects.filter(status=OrderStatus.ACTIVE, kind__in=MISSED_REPORT_KINDS)
        .alias(heard_from=heard_from)
        .filter(heard_from__lt=cutoff)
        .filter(Q(missed_alert_at=None) | Q(missed_alert_at__lt=F("heard_from")))
        .update(missed_alert_at=now)
    )


def _missed_alerts_insert(now: datetime, rules: WarningRules) -> int:
    """One INSERT … SELECT for the orders just marked: building 30,000 alert objects in Python costs more than the
    whole sweep is allowed."""
    order, alert = IsolationOrder._meta, Alert._meta
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"INSERT INTO {alert.db_table} (order_id, person_id, unit_id, facility_id, kind, severity, signs, status, "
        "raised_at, acknowledge_by, escalate_at, close_note) "
        f"SELECT id, person_id, unit_id, facility_id, %s, CASE WHEN severity = '' THEN %s ELSE severity END, "
        f"{json_param}, %s, %s, %s, %s, '' FROM {order.db_table} "
        f"WHERE status = %s AND kind IN ({', '.join(['%s'] * len(MISSED_REPORT_KINDS))}) AND missed_alert_at = %s"
    )
    signs = f'[{{"code": "missed_reports", "hours": {int(rules.missed_report_hours)}}}]'
    params = [
        AlertKind.MISSED_REPORTS.value,
        Severity.MILD.value,
        signs,
        AlertStatus.OPEN.value,
        adapt(now),
        adapt(now + timedelta(minutes=rules.acknowledge_minutes)),
        adapt(now + timedelta(minutes=rules.escalate_minutes)),
        OrderStatus.ACTIVE.value,
        *[kind.value for kind in MISSED_REPORT_KINDS],
        adapt(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
