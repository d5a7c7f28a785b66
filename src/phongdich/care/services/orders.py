"""Isolation orders: putting a person (or a household together) into isolation, quarantine or home treatment, and
the order a tracing task's "isolated" outcome makes (changes to an order are in order_changes).

Each order's planned end and tests come from the isolation rules in force on its start date (care.plan); an F0's
home treatment is checked against the eligibility rules (care.eligibility). A person has at most one active order
of each kind (the `one_active_order_per_kind` constraint holds it when two requests race). A concentrated site
takes no more people than its recorded places, and a household ordered there together is kept together."""

import secrets
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.uniqueness import first_writer_wins
from phongdich.people.models import Person
from phongdich.people.selectors import commune_id
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from .. import eligibility
from ..choices import F0_KINDS, HOME_KINDS, SITE_KINDS, OrderKind, OrderStatus
from ..models import IsolationOrder, SiteCapacity
from ..plan import Plan, plan_for
from ..sites import SITE_FACILITY_KINDS, people_at

# Facilities that take people into concentrated isolation.
# Facilities that follow people under an order: the health station of their ward, a mobile station, a hospital.
CARE_FACILITY_KINDS = {
    FacilityKind.COMMUNE_HEALTH_STATION,
    FacilityKind.MOBILE_STATION,
    FacilityKind.HOSPITAL,
    FacilityKind.FIELD_HOSPITAL,
}
HOUSEHOLD_KINDS = {OrderKind.F1_HOME, OrderKind.F1_SITE, OrderKind.ARRIVAL, OrderKind.SELF_MONITORING}
# Plausible readings at enrolment (the self-report ranges of the issue).
SPO2_RANGE = (50, 100)
BREATHING_RANGE = (5, 80)


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
    facility_checked(facility, errors)
    team = (team or "").strip()
    if len(team) > 100:
        errors.setdefault("team", []).append(_("At most 100 characters."))
    unit_path = person.unit.path
    responsible_checked(responsible, unit_path, facility, site, errors)
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
    free = capacity.places - people_at(site.pk)
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


def _health_station_of(person: Person) -> Facility | None:
    """The commune health station of the ward the person lives in, if the platform knows one."""
    ward = commune_id(person.unit)
    stations = Facility.objects.filter(kind=FacilityKind.COMMUNE_HEALTH_STATION, unit_id=ward)
    return stations.order_by("pk").first()


def facility_checked(facility: Facility | None, errors: dict) -> None:
    if facility is not None and facility.kind not in CARE_FACILITY_KINDS:
        errors.setdefault("facility", []).append(
            _(
                "%(facility)s does not follow people under an order: choose a health station, a mobile station or a "
                "hospital."
            )
            % {"facility": facility}
        )


def responsible_checked(responsible, unit_path: str, facility, site, errors: dict) -> None:
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
