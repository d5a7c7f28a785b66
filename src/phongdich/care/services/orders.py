"""Isolation orders: putting a person (or a household together) into isolation, quarantine or home treatment,
ending an order other than by release, assigning who looks after it, and recording visits, calls and medicine.

Each order's planned end and tests come from the isolation rules in force on its start date (care.plan); an F0's
home treatment is checked against the eligibility rules (care.eligibility). A person has at most one active order
of each kind (the `one_active_order_per_kind` constraint holds it when two requests race). A concentrated site
takes no more people than its recorded places, and a household ordered there together is kept together."""

import secrets
from datetime import date, datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_filter, scope_of
from phongdich.core.uniqueness import first_writer_wins
from phongdich.people.models import Person
from phongdich.people.selectors import commune_id
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from .. import eligibility
from ..choices import F0_KINDS, HOME_KINDS, SITE_KINDS, ContactKind, OrderKind, OrderStatus
from ..models import CareContact, IsolationOrder, MedicineDelivery, MedicineKind, SiteCapacity
from ..plan import Plan, plan_for

# Facilities that take people into concentrated isolation.
SITE_FACILITY_KINDS = {
    FacilityKind.ISOLATION_SITE,
    FacilityKind.ENTERPRISE_ISOLATION_SITE,
    FacilityKind.FIELD_HOSPITAL,
}
# Facilities that follow people under an order: the health station of their ward, a mobile station, a hospital.
CARE_FACILITY_KINDS = {
    FacilityKind.COMMUNE_HEALTH_STATION,
    FacilityKind.MOBILE_STATION,
    FacilityKind.HOSPITAL,
    FacilityKind.FIELD_HOSPITAL,
}
# How an order ends other than by release (release needs its test: care's release part records it).
ENDINGS = {OrderStatus.TRANSFERRED, OrderStatus.BROKEN, OrderStatus.DIED, OrderStatus.MOVED_AWAY}
HOUSEHOLD_KINDS = {OrderKind.F1_HOME, OrderKind.F1_SITE, OrderKind.ARRIVAL, OrderKind.SELF_MONITORING}
# Plausible readings at enrolment (the self-report ranges of the issue).
SPO2_RANGE = (50, 100)
BREATHING_RANGE = (5, 80)
MAX_QUANTITY = 20
LATE_TOLERANCE = timedelta(minutes=5)  # a phone's clock a little ahead is not "in the future"


class NotEligible(ValidationError):
    """An F0 the eligibility rules in force do not allow to be treated at home; `reasons` name each criterion."""

    def __init__(self, document: str, reasons: list[str]):
        self.reasons = reasons
        heading = _("Not eligible for home treatment under %(document)s:") % {"document": document}
        hint = _("A doctor who enrols the person anyway gives the reason.")
        super().__init__({NON_FIELD_ERRORS: [heading, *reasons, hint]})


# ---- Orders ----------------------------------------------------------------------------------------------------


def order_create(
    *,
    actor,
    person: Person,
    kind: str,
    starts_on: date,
    site: Facility | None = None,
    facility: Facility | None = None,
    responsible=None,
    team: str = "",
    address: str = "",
    case=None,
    source_task=None,
    measurements: dict | None = None,
    eligibility_override: str = "",
) -> IsolationOrder:
    """One person's order. `measurements` (F0: "state" as surveillance.choices.Severity, "breathing_rate", "spo2",
    "chronic_stable") are checked against the eligibility rules for home treatment; `eligibility_override`, the
    doctor's reason, enrols an F0 who fails them. A concentrated kind needs a site with a free place."""
    with transaction.atomic():
        person = _person_in_scope(actor, person)
        if site is not None and kind not in HOME_KINDS:
            _site_has_room(site, 1)
        return _order_new(
            actor,
            person,
            kind=kind,
            starts_on=starts_on,
            site=site,
            facility=facility,
            responsible=responsible,
            team=team,
            address=address,
            case=case,
            source_task=source_task,
            measurements=measurements,
            eligibility_override=eligibility_override,
        )


def household_order_create(
    *,
    actor,
    people: list[Person],
    kind: str,
    starts_on: date,
    site: Facility | None = None,
    facility: Facility | None = None,
    responsible=None,
    team: str = "",
    address: str = "",
) -> list[IsolationOrder]:
    """A household ordered together (one `group_code`): every member's order or none. At a concentrated site the
    household is kept together, so a site without room for all of them is refused for all of them."""
    with transaction.atomic():
        members = _people_in_scope(actor, people)
        if kind not in HOUSEHOLD_KINDS:
            raise ValidationError({"kind": _("A household is ordered together into quarantine or self-monitoring.")})
        if site is not None and kind not in HOME_KINDS:
            _site_has_room(site, len(members))
        group_code = secrets.token_hex(8)
        orders, errors = [], []
        for person in members:
            try:
                with transaction.atomic():
                    orders.append(
                        _order_new(
                            actor,
                            person,
                            kind=kind,
                            starts_on=starts_on,
                            site=site,
                            facility=facility,
                            responsible=responsible,
                            team=team,
                            address=address,
                            group_code=group_code,
                        )
                    )
            except ValidationError as refused:
                errors += [f"{person.full_name}: {message}" for message in refused.messages]
        if errors:
            raise ValidationError({NON_FIELD_ERRORS: errors})  # all or nothing: the orders made roll back
    return orders


def _order_new(
    actor,
    person: Person,
    *,
    kind: str,
    starts_on: date,
    site=None,
    facility=None,
    responsible=None,
    team="",
    address="",
    case=None,
    source_task=None,
    measurements=None,
    eligibility_override="",
    group_code="",
) -> IsolationOrder:
    errors: dict[str, list[str]] = {}
    plan = _plan_checked(person, kind, starts_on, case, errors)
    _site_checked(kind, site, errors)
    facility = facility or _health_station_of(person)
    _facility_checked(facility, errors)
    team = (team or "").strip()
    if len(team) > 100:
        errors.setdefault("team", []).append(_("At most 100 characters."))
    unit_path = person.unit.path
    _responsible_checked(responsible, unit_path, facility, site, errors)
    if case is None and kind in F0_KINDS:
        case = _active_case_of(person)
    elif case is not None and case.person_id != person.pk:
        errors.setdefault("case", []).append(_("This case is not this person's."))
    readings = _measurements_checked(measurements or {}, errors)
    if errors:
        raise ValidationError(errors)
    assert plan is not None
    enrolment, severity = _enrolment(person, kind, plan, readings, case, eligibility_override, actor)
    order = IsolationOrder(
        person=person,
        unit=person.unit,
        kind=kind,
        group_code=group_code,
        household_id=person.household_id,
        address=_address_for(person, kind, site, address),
        site=site,
        facility=facility,
        responsible=responsible,
        team=team,
        severity=severity,
        eligibility=enrolment,
        case=case,
        source_task=source_task,
        created_by=audit.user_of(actor),
        **plan.order_fields(),
    )
    with first_writer_wins(lambda: _no_active_order(person, kind)):
        order.save(force_insert=True)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=order,
        person_id=person.pk,
        unit_path=unit_path,
        after=audit.snapshot(order),
    )
    return order


def _plan_checked(person, kind, starts_on, case, errors) -> Plan | None:
    if kind not in OrderKind.values:
        errors["kind"] = [_("Choose the kind of order.")]
        return None
    if starts_on is None:
        errors["starts_on"] = [_("Give the start date.")]
        return None
    try:
        _no_active_order(person, kind)
        return plan_for(person, kind, starts_on, case=case)
    except ValidationError as refused:
        for field, messages in refused.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        return None


def _no_active_order(person: Person, kind: str) -> None:
    existing = IsolationOrder.objects.filter(person=person, kind=kind, status=OrderStatus.ACTIVE).first()
    if existing is not None:
        message = _("%(name)s already has an active order of this kind, from %(start)s (order #%(id)s).") % {
            "name": person.full_name,
            "start": existing.starts_on.strftime("%d/%m/%Y"),
            "id": existing.pk,
        }
        raise ValidationError({"kind": message})


def _site_checked(kind: str, site: Facility | None, errors: dict) -> None:
    if kind in SITE_KINDS and site is None:
        errors.setdefault("site", []).append(_("Choose the concentrated site."))
    elif kind in HOME_KINDS and site is not None:
        errors.setdefault("site", []).append(_("An order at home has no concentrated site."))
    elif site is not None and site.kind not in SITE_FACILITY_KINDS:
        errors.setdefault("site", []).append(_("%(site)s is not a concentrated isolation site.") % {"site": site})


def _site_has_room(site: Facility, needed: int) -> None:
    """Refuse a site without `needed` free places. Its capacity row is locked, so two orders cannot both take the
    last place."""
    if site.kind not in SITE_FACILITY_KINDS:
        raise ValidationError({"site": _("%(site)s is not a concentrated isolation site.") % {"site": site}})
    capacity = SiteCapacity.objects.select_for_update().filter(site=site).first()
    if capacity is None:
        raise ValidationError(
            {"site": _("No places are recorded for %(site)s: record its capacity first.") % {"site": site}}
        )
    free = capacity.places - occupancy(site)
    if free >= needed:
        return
    if needed == 1:
        message = _("%(site)s is full: all its %(places)s places are taken.") % {
            "site": site,
            "places": capacity.places,
        }
    else:
        message = _(
            "%(site)s has %(free)s free places for a household of %(needed)s, who are kept together: "
            "choose another site."
        ) % {"site": site, "free": max(free, 0), "needed": needed}
    raise ValidationError({"site": message})


def occupancy(site: Facility) -> int:
    """People under an active order at the site."""
    return IsolationOrder.objects.filter(site=site, status=OrderStatus.ACTIVE).count()


def _health_station_of(person: Person) -> Facility | None:
    """The commune health station of the ward the person lives in, if the platform knows one."""
    ward = commune_id(person.unit)
    stations = Facility.objects.filter(kind=FacilityKind.COMMUNE_HEALTH_STATION, unit_id=ward)
    return stations.order_by("pk").first()


def _facility_checked(facility: Facility | None, errors: dict) -> None:
    if facility is not None and facility.kind not in CARE_FACILITY_KINDS:
        errors.setdefault("facility", []).append(
            _(
                "%(facility)s does not follow people under an order: choose a health station, a mobile station or a "
                "hospital."
            )
            % {"facility": facility}
        )


def _responsible_checked(responsible, unit_path: str, facility, site, errors: dict) -> None:
    if responsible is None:
        return
    scope = scope_of(responsible, "care.add_carecontact")
    places = {facility.pk if facility else None, site.pk if site else None} - {None}
    if not responsible.is_active or not (scope.covers_path(unit_path) or places & set(scope.facility_ids)):
        name = responsible.full_name or responsible.username
        errors.setdefault("responsible", []).append(
            _("%(name)s does not provide care where this person lives.") % {"name": name}
        )


def _active_case_of(person: Person):
    from phongdich.surveillance.choices import CaseStatus
    from phongdich.surveillance.models import Case

    return Case.objects.filter(person=person, status=CaseStatus.ACTIVE).order_by("-confirmed_at").first()


def _measurements_checked(measurements: dict, errors: dict) -> dict:
    from phongdich.surveillance.choices import Severity as ClinicalState

    readings = {key: value for key, value in measurements.items() if value not in (None, "")}
    state = readings.get("state")
    if state is not None and state not in ClinicalState.values:
        errors.setdefault("state", []).append(_("Choose the clinical state."))
    for name, (low, high), label in (
        ("spo2", SPO2_RANGE, _("SpO₂")),
        ("breathing_rate", BREATHING_RANGE, _("Breathing rate")),
    ):
        if name not in readings:
            continue
        try:
            readings[name] = int(readings[name])
        except (TypeError, ValueError):
            errors.setdefault(name, []).append(_("%(what)s is a whole number.") % {"what": label})
            continue
        if not low <= readings[name] <= high:
            errors.setdefault(name, []).append(
                _("%(what)s %(value)s is not plausible: between %(low)s and %(high)s.")
                % {"what": label, "value": readings[name], "low": low, "high": high}
            )
    readings["chronic_stable"] = bool(readings.get("chronic_stable"))
    return readings


def _enrolment(person, kind, plan: Plan, readings: dict, case, override: str, actor) -> tuple[dict, str]:
    """(what the order keeps of its enrolment check, the F0's severity band)."""
    if kind not in F0_KINDS:
        return {}, ""
    if kind != OrderKind.F0_HOME:
        state = readings.get("state") or (case.severity if case is not None else "")
        return {}, eligibility.severity_for(state, eligible=False)
    checked = eligibility.check(person, plan.starts_on, readings, plan.condition, case)
    override = (override or "").strip()
    if not checked.eligible and not override:
        raise NotEligible(checked.rules.source_document, checked.messages())
    stored = checked.as_stored()
    if override and not checked.eligible:
        stored |= {"override": override[:500], "override_by": getattr(actor, "username", None) or str(actor)}
    return stored, eligibility.severity_for(checked.facts.state, eligible=checked.eligible)


def _address_for(person: Person, kind: str, site, address: str) -> str:
    if (address or "").strip():
        return address.strip()[:300]
    if site is not None:
        return site.address or site.name
    household = person.household
    return (household.address if household and household.address else person.address)[:300]


def _person_in_scope(actor, person: Person) -> Person:
    """The person re-read and locked, if the actor may order isolation where they live; otherwise the same
    refusal as for a person who does not exist."""
    found = (
        Person.objects.select_for_update(of=("self",)).select_related("unit", "household").filter(pk=person.pk).first()
    )
    if (
        found is None
        or found.merged_into_id
        or not scope_of(actor, "care.add_isolationorder").covers_path(found.unit.path)
    ):
        raise OutOfScope(_("No such person in your jurisdiction."))
    return found


def _people_in_scope(actor, people: list[Person]) -> list[Person]:
    unique = list({person.pk: person for person in people}.values())
    if not unique:
        raise ValidationError({"people": _("Choose the members of the household to order.")})
    return [_person_in_scope(actor, person) for person in sorted(unique, key=lambda person: person.pk)]


# ---- Changes to an order ---------------------------------------------------------------------------------------


def orders_in_scope(actor, permission: str) -> QuerySet:
    """The orders on which `actor` holds `permission` (care.add_carecontact, …), scoped like `restrict`."""
    scope = scope_of(actor, permission)
    rows = IsolationOrder.objects.all()
    if scope.everywhere:
        return rows
    if scope.is_empty:
        return rows.none()
    return rows.filter(scope_filter(IsolationOrder, scope))


def _order_locked(actor, order: IsolationOrder, permission: str) -> IsolationOrder:
    found = (
        orders_in_scope(actor, permission)
        .select_for_update(of=("self",))
        .select_related("unit", "person")
        .filter(pk=order.pk)
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such order in your jurisdiction."))
    return found


def _still_active(order: IsolationOrder, field: str) -> None:
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError({field: _("This order has ended (%(status)s).") % {"status": order.get_status_display()}})


def order_end(
    *, actor, order: IsolationOrder, status: str, ended_on: date, reason: str = "", note: str = ""
) -> IsolationOrder:
    """End an active order other than by release: transferred (to hospital, another site), broke isolation, died,
    moved away. `reason` says where to or why; a transfer needs it."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.change_isolationorder")
        _still_active(order, "status")
        errors: dict[str, list[str]] = {}
        if status == OrderStatus.RELEASED:
            errors["status"] = [_("A release needs its test: record it on the release list.")]
        elif status not in ENDINGS:
            errors["status"] = [_("Choose how the order ended.")]
        if ended_on is None:
            errors["ended_on"] = [_("Give the date it ended.")]
        elif ended_on < order.starts_on:
            errors["ended_on"] = [
                _("An order cannot end before it started (%(start)s).")
                % {"start": order.starts_on.strftime("%d/%m/%Y")}
            ]
        elif ended_on > clock.today():
            errors["ended_on"] = [_("This date is in the future.")]
        reason, note = (reason or "").strip(), (note or "").strip()
        if status == OrderStatus.TRANSFERRED and not reason:
            errors["reason"] = [_("Say where the person was transferred to.")]
        if len(reason) > 200:
            errors["reason"] = [_("At most 200 characters.")]
        if errors:
            raise ValidationError(errors)
        fields = ["status", "ended_on", "end_reason", "end_params"]
        before = audit.snapshot(order, fields)
        order.status, order.ended_on, order.end_reason = status, ended_on, status
        order.end_params = {"reason": reason, "note": note[:500]}
        order.save(update_fields=fields)
        _audit_update(actor, order, before, fields)
    return order


def order_assign(
    *, actor, order: IsolationOrder, responsible=None, team: str = "", facility: Facility | None = None
) -> IsolationOrder:
    """Who looks after an active order: a health worker, a team, the health facility following it."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.change_isolationorder")
        _still_active(order, "responsible")
        errors: dict[str, list[str]] = {}
        facility = facility or order.facility
        _facility_checked(facility, errors)
        team = (team or "").strip()
        if len(team) > 100:
            errors["team"] = [_("At most 100 characters.")]
        _responsible_checked(responsible, order.unit.path, facility, order.site, errors)
        if errors:
            raise ValidationError(errors)
        fields = ["responsible", "team", "facility"]
        before = audit.snapshot(order, fields)
        order.responsible, order.team, order.facility = responsible, team, facility
        order.save(update_fields=fields)
        _audit_update(actor, order, before, fields)
    return order


def _audit_update(actor, order: IsolationOrder, before: dict, fields: list[str]) -> None:
    changed_before, changed_after = audit.diff(before, audit.snapshot(order, fields))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=order,
        person_id=order.person_id,
        unit_path=order.unit.path,
        before=changed_before,
        after=changed_after,
    )


def _when_checked(order: IsolationOrder, at: datetime | None, field: str) -> None:
    if at is None:
        raise ValidationError({field: _("Give the date and time.")})
    if at > clock.now() + LATE_TOLERANCE:
        raise ValidationError({field: _("This time is in the future.")})
    day = timezone.localdate(at)
    if day < order.starts_on:
        raise ValidationError(
            {field: _("The order starts on %(start)s.") % {"start": order.starts_on.strftime("%d/%m/%Y")}}
        )
    if order.ended_on is not None and day > order.ended_on:
        raise ValidationError({field: _("The order ended on %(end)s.") % {"end": order.ended_on.strftime("%d/%m/%Y")}})


def contact_record(*, actor, order: IsolationOrder, kind: str, done_at: datetime, note: str = "") -> CareContact:
    """A visit or a call to the person under an order."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.add_carecontact")
        if kind not in ContactKind.values:
            raise ValidationError({"kind": _("Choose a visit or a call.")})
        _when_checked(order, done_at, "done_at")
        contact = CareContact.objects.create(
            order=order, kind=kind, done_at=done_at, note=(note or "").strip()[:500], done_by=audit.user_of(actor)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=contact,
            person_id=order.person_id,
            unit_path=order.unit.path,
            after=audit.snapshot(contact),
        )
    return contact


def medicine_deliver(
    *, actor, order: IsolationOrder, kind: MedicineKind, quantity: int, delivered_at: datetime
) -> MedicineDelivery:
    """A medicine package handed to the person under an order."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.add_medicinedelivery")
        if kind is None or not kind.active:
            raise ValidationError({"kind": _("Choose a package in use.")})
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            raise ValidationError({"quantity": _("Between 1 and %(most)s packages.") % {"most": MAX_QUANTITY}})
        _when_checked(order, delivered_at, "delivered_at")
        delivery = MedicineDelivery.objects.create(
            order=order, kind=kind, quantity=quantity, delivered_at=delivered_at, delivered_by=audit.user_of(actor)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=delivery,
            person_id=order.person_id,
            unit_path=order.unit.path,
            after=audit.snapshot(delivery),
        )
    return delivery


def site_capacity_set(*, actor, site: Facility, places: int) -> SiteCapacity:
    """How many people a concentrated site takes. Fewer places than people already there is refused."""
    with transaction.atomic():
        if not scope_of(actor, "care.change_sitecapacity").covers_path(site.unit.path):
            raise OutOfScope(_("No such site in your jurisdiction."))
        if site.kind not in SITE_FACILITY_KINDS:
            raise ValidationError({"site": _("%(site)s is not a concentrated isolation site.") % {"site": site}})
        taken = occupancy(site)
        if places is None or places < max(taken, 0) or places > 100_000:
            raise ValidationError(
                {"places": _("Between the %(taken)s people there now and 100.000.") % {"taken": taken}}
            )
        capacity = SiteCapacity.objects.select_for_update().filter(site=site).first()
        before = {"places": capacity.places} if capacity else None
        if capacity is None:
            capacity = SiteCapacity.objects.create(site=site, places=places)
        else:
            capacity.places = places
            capacity.save(update_fields=["places", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            instance=capacity,
            unit_path=site.unit.path,
            before=before,
            after={"places": places},
        )
    return capacity


# ---- From tracing ----------------------------------------------------------------------------------------------


def order_from_tracing_task(*, actor, task) -> IsolationOrder | None:
    """The order a door-to-door task's "isolated" outcome makes, in the outcome's transaction: an F1 is quarantined
    at home; an F0 is enrolled in home treatment only if eligible, otherwise the task says it is left to the health
    station. A person who already has an active order of that kind keeps it (a retry makes nothing twice)."""
    person = task.person
    kind = _kind_for_level(_level_of(person, task))
    if kind is None:
        return None
    existing = IsolationOrder.objects.filter(person=person, kind=kind, status=OrderStatus.ACTIVE).first()
    if existing is not None:
        return existing
    if not scope_of(actor, "care.add_isolationorder").covers_path(person.unit.path):
        _note_on_task(task, _("No isolation order was made: your role does not make them."))
        return None
    try:
        with transaction.atomic():
            return order_create(actor=actor, person=person, kind=kind, starts_on=clock.today(), source_task=task)
    except NotEligible as refused:
        text = _("Not enrolled in home treatment, left to the health station: %(reasons)s")
        _note_on_task(task, text % {"reasons": " ".join(refused.reasons)})
    except (ValidationError, OutOfScope) as refused:
        _note_on_task(task, _("No isolation order was made: %(reasons)s") % {"reasons": " ".join(_messages(refused))})
    return None


def _messages(error: Exception) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _level_of(person: Person, task) -> int | None:
    from phongdich.surveillance.models import TracingState

    state = TracingState.objects.filter(person=person).values_list("level", flat=True).first()
    return state if state is not None else task.level


def _kind_for_level(level: int | None) -> str | None:
    return {0: OrderKind.F0_HOME, 1: OrderKind.F1_HOME}.get(level)  # type: ignore[arg-type]


def _note_on_task(task, text: str) -> None:
    task.note = f"{task.note} — {text}".strip(" —")[:300] if task.note else text[:300]
    task.save(update_fields=["note"])
