"""Declaring, extending and ending lockdown areas (red zones, red points), and planning the testing round of a zone's
residents through the labs' own rounds. Every write is checked against the actor's jurisdiction inside its
transaction and audited with the zone's unit."""

import math
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.labs.models import TestingRound
from phongdich.labs.services import round_create
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from ..choices import LeaveTest, ZoneKind
from ..models import Zone
from .selectors import address_residents, address_words

NAME_MAX = 200
TEXT_MAX = 500
DECISION_MAX = 200
CONDITIONS_MAX = 2000
MAX_UNITS = 500
MAX_ADDRESSES = 500
ADDRESS_MAX = 200
MAX_POLYGON_POINTS = 5000
MAX_POLYGON_PARTS = 100
MAX_PLANNED_DAYS = 180
MAX_DAYS_AHEAD = 30
EARLIEST_START = date(2020, 1, 1)
FUTURE_SLACK = timedelta(minutes=5)  # a clock a little ahead of the server's is not an end in the future


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i")


def _aware(moment: datetime) -> datetime:
    """An aware time (a naive one is read in the platform's time zone); a missing one stays missing."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def clean_addresses(lines) -> tuple[list[str], list[str]]:
    """(the address lines, trimmed, blanks and repeats left out; the errors about them)."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    cleaned, seen, errors = [], set(), []
    for number, raw in enumerate(lines or [], start=1):
        if not isinstance(raw, str):
            errors.append(_("Line %(n)d is not text.") % {"n": number})
            continue
        line = " ".join(raw.split())
        if not line:
            continue
        words = address_words(line)
        if len(line) > ADDRESS_MAX:
            errors.append(_("Line %(n)d is longer than %(max)d characters.") % {"n": number, "max": ADDRESS_MAX})
        elif len(words) < 2:
            errors.append(
                _(
                    "Line %(n)d (“%(line)s”) is too short to find anyone by: write a house number and street, an "
                    "alley or a building."
                )
                % {"n": number, "line": line[:40]}
            )
        elif words not in seen:
            seen.add(words)
            cleaned.append(line)
    if len(cleaned) > MAX_ADDRESSES:
        errors.append(_("At most %(max)d address lines in one area.") % {"max": MAX_ADDRESSES})
    return cleaned, errors


def clean_polygon(polygon) -> dict | None:
    """A GeoJSON Polygon or MultiPolygon (a Feature is read for its geometry) with longitude, latitude positions,
    closed rings of four positions or more, at most MAX_POLYGON_POINTS in all; ValidationError otherwise."""
    if polygon in (None, "", {}):
        return None
    if isinstance(polygon, dict) and polygon.get("type") == "Feature":
        polygon = polygon.get("geometry")
    invalid = ValidationError({"polygon": _("The boundary must be a GeoJSON Polygon or MultiPolygon.")})
    if not isinstance(polygon, dict) or polygon.get("type") not in ("Polygon", "MultiPolygon"):
        raise invalid
    coordinates = polygon.get("coordinates")
    parts = [coordinates] if polygon["type"] == "Polygon" else coordinates
    if not isinstance(parts, list) or not parts or len(parts) > MAX_POLYGON_PARTS:
        raise invalid
    points = 0
    for part in parts:
        if not isinstance(part, list) or not part:
            raise invalid
        for ring in part:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValidationError({"polygon": _("Each ring of the boundary needs four positions or more.")})
            points += len(ring)
            if points > MAX_POLYGON_POINTS:
                raise ValidationError(
                    {"polygon": _("The boundary has more than %(max)d positions.") % {"max": MAX_POLYGON_POINTS}}
                )
            for position in ring:
                if not _is_position(position):
                    raise ValidationError(
                        {"polygon": _("Each position is [longitude, latitude] in degrees, as GeoJSON writes them.")}
                    )
            if ring[0][:2] != ring[-1][:2]:
                raise ValidationError({"polygon": _("Each ring of the boundary must end where it starts.")})
    return {"type": polygon["type"], "coordinates": coordinates}


def _is_position(position) -> bool:
    if not isinstance(position, list) or not 2 <= len(position) <= 3:
        return False
    if not all(isinstance(value, int | float) and not isinstance(value, bool) for value in position):
        return False
    if not all(math.isfinite(value) for value in position):
        return False
    longitude, latitude = position[0], position[1]
    return -180 <= longitude <= 180 and -90 <= latitude <= 90


def _dates_errors(starts_at: datetime | None, planned_end_at: datetime | None) -> dict[str, str]:
    errors = {}
    now = clock.now()
    if starts_at is None:
        errors["starts_at"] = _("Give the start of the lockdown.")
    elif timezone.localdate(starts_at) < EARLIEST_START:
        errors["starts_at"] = _("A COVID-19 lockdown cannot start before 2020.")
    elif starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        errors["starts_at"] = _("A lockdown is declared at most %(days)d days before it starts.") % {
            "days": MAX_DAYS_AHEAD
        }
    if planned_end_at is None:
        errors["planned_end_at"] = _("Give the planned end of the lockdown.")
    elif starts_at is not None and "starts_at" not in errors:
        if planned_end_at <= starts_at:
            errors["planned_end_at"] = _("The planned end (%(end)s) must come after the start (%(start)s).") % {
                "end": _when(planned_end_at),
                "start": _when(starts_at),
            }
        elif planned_end_at - starts_at > timedelta(days=MAX_PLANNED_DAYS):
            errors["planned_end_at"] = _(
                "A lockdown is planned for at most %(days)d days at a time; extend it when needed."
            ) % {"days": MAX_PLANNED_DAYS}
    return errors


def _units_in_scope(actor, unit: AdminUnit, units: list[AdminUnit]) -> list[AdminUnit]:
    """The zone's unit and units re-read, each inside the actor's jurisdiction for declaring zones (OutOfScope
    otherwise, like a missing unit)."""
    scope = scope_of(actor, "levels.add_zone")
    ids = {place.pk for place in [unit, *units]}
    found = {place.pk: place for place in AdminUnit.objects.filter(pk__in=ids)}
    if len(found) != len(ids) or not all(scope.covers_path(place.path) for place in found.values()):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    return [found[place.pk] for place in units]


def zone_declare(
    *,
    actor,
    kind: str,
    name: str,
    unit: AdminUnit,
    units: list[AdminUnit] | None = None,
    addresses: list[str] | str | None = None,
    polygon: dict | None = None,
    starts_at: datetime,
    planned_end_at: datetime,
    leave_test: str = "",
    leave_conditions: str = "",
    reason: str = "",
    decision: str = "",
) -> Zone:
    """Record a lockdown area or red point lying in `unit` (a district or commune, whose people's committee or whose
    district's decides it; a residential group decides nothing): units inside that unit's subtree, address lines
    (one a line), a GeoJSON boundary, or several of them; its start and planned end, and what the people inside
    must pass to leave."""
    units = list(dict.fromkeys(units or []))
    name = " ".join((name or "").split())
    leave_conditions, reason = (leave_conditions or "").strip(), (reason or "").strip()
    decision = (decision or "").strip()
    starts_at, planned_end_at = _aware(starts_at), _aware(planned_end_at)
    with transaction.atomic():
        units = _units_in_scope(actor, unit, units)
        unit = AdminUnit.objects.get(pk=unit.pk)
        errors: dict[str, list[str] | str] = {}
        if kind not in ZoneKind.values:
            errors["kind"] = _("Choose a lockdown area or a red point.")
        if not name:
            errors["name"] = _("Name the area (a residential group, a street, a building).")
        elif len(name) > NAME_MAX:
            errors["name"] = _("At most %(max)d characters.") % {"max": NAME_MAX}
        if unit.level == UnitLevel.PROVINCE:
            errors["unit"] = _("Declare a lockdown in the district or commune it lies in, not the whole province.")
        elif unit.level == UnitLevel.GROUP:
            errors["unit"] = _(
                "A residential group issues no decisions: declare the area in its commune, with the group among the "
                "units inside or its addresses listed."
            )
        if len(units) > MAX_UNITS:
            errors["units"] = _("At most %(max)d units in one area.") % {"max": MAX_UNITS}
        elif outside := [place.label for place in units if not place.path.startswith(unit.path)]:
            errors["units"] = _("These units are not inside %(unit)s: %(units)s.") % {
                "unit": unit.name,
                "units": ", ".join(outside[:5]),
            }
        lines, address_errors = clean_addresses(addresses)
        if address_errors:
            errors["addresses"] = address_errors
        try:
            polygon = clean_polygon(polygon)
        except ValidationError as error:
            errors.update(error.message_dict)
        if not (units or lines or polygon or "addresses" in errors or "polygon" in errors):
            errors["__all__"] = _("Say what is locked down: units, addresses, or a boundary.")
        errors.update(_dates_errors(starts_at, planned_end_at))
        if leave_test not in LeaveTest.values:
            errors["leave_test"] = _("Choose the test to leave, or no test.")
        for field, value, limit in (
            ("leave_conditions", leave_conditions, CONDITIONS_MAX),
            ("reason", reason, TEXT_MAX),
            ("decision", decision, DECISION_MAX),
        ):
            if len(value) > limit:
                errors[field] = _("At most %(max)d characters.") % {"max": limit}
        if errors:
            raise ValidationError(errors)
        zone = Zone.objects.create(
            kind=kind,
            name=name,
            unit=unit,
            addresses=lines,
            polygon=polygon,
            starts_at=starts_at,
            planned_end_at=planned_end_at,
            leave_test=leave_test,
            leave_conditions=leave_conditions,
            reason=reason,
            decision=decision,
            created_by=audit.user_of(actor),
        )
        zone.units.set(units)
        after = audit.snapshot(zone) | {"units": [place.pk for place in units]}
        audit.record(actor=actor, action=AuditAction.CREATE, instance=zone, unit_path=unit.path, after=after)
    return zone


def _zone_locked(actor, zone: Zone) -> Zone:
    found = (
        Zone.objects.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=zone.pk)
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such lockdown area in your jurisdiction."))
    return found


def zone_end(*, actor, zone: Zone, ended_at: datetime, end_reason: str = "") -> Zone:
    """Lift a lockdown. Before its planned end it is an early ending, and needs a reason."""
    end_reason = (end_reason or "").strip()
    ended_at = _aware(ended_at)
    with transaction.atomic():
        zone = _zone_locked(actor, zone)
        if zone.ended_at is not None:
            raise ValidationError({"__all__": _("This lockdown has already ended.")})
        errors = {}
        if ended_at is None:
            errors["ended_at"] = _("Give the time the lockdown was lifted.")
        elif ended_at < zone.starts_at:
            errors["ended_at"] = _("The lockdown cannot end (%(end)s) before it starts (%(start)s).") % {
                "end": _when(ended_at),
                "start": _when(zone.starts_at),
            }
        elif ended_at > clock.now() + FUTURE_SLACK:
            errors["ended_at"] = _(
                "An end is recorded once the lockdown is lifted: it cannot be in the future. Extend or shorten the "
                "planned end instead."
            )
        elif ended_at < zone.planned_end_at and not end_reason:
            errors["end_reason"] = _(
                "The lockdown is lifted before its planned end (%(end)s): say why it ends early."
            ) % {"end": _when(zone.planned_end_at)}
        if len(end_reason) > TEXT_MAX:
            errors["end_reason"] = _("At most %(max)d characters.") % {"max": TEXT_MAX}
        if errors:
            raise ValidationError(errors)
        zone.ended_at, zone.end_reason = ended_at, end_reason
        zone.save(update_fields=["ended_at", "end_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=zone,
            unit_path=zone.unit.path,
            before={"ended_at": None},
            after={"ended_at": ended_at.isoformat(), "end_reason": end_reason, "early": zone.ended_early},
        )
    return zone


def zone_extend(*, actor, zone: Zone, planned_end_at: datetime, reason: str) -> Zone:
    """Move an open lockdown's planned end later, saying why. The audit trail keeps each extension, with the
    domain's time it was recorded on (`clock.now()`, which a demo sets in 2021) beside the machine's own."""
    reason = (reason or "").strip()
    planned_end_at = _aware(planned_end_at)
    with transaction.atomic():
        zone = _zone_locked(actor, zone)
        if zone.ended_at is not None:
            raise ValidationError({"__all__": _("This lockdown has already ended: declare a new one.")})
        errors = {}
        if planned_end_at is None:
            errors["planned_end_at"] = _("Give the new planned end.")
        elif planned_end_at <= zone.starts_at:
            errors["planned_end_at"] = _("The planned end (%(end)s) must come after the start (%(start)s).") % {
                "end": _when(planned_end_at),
                "start": _when(zone.starts_at),
            }
        elif planned_end_at <= zone.planned_end_at:
            errors["planned_end_at"] = _("An extension moves the planned end later than %(end)s.") % {
                "end": _when(zone.planned_end_at)
            }
        elif planned_end_at - zone.starts_at > timedelta(days=MAX_PLANNED_DAYS):
            errors["planned_end_at"] = _(
                "A lockdown is planned for at most %(days)d days at a time; extend it when needed."
            ) % {"days": MAX_PLANNED_DAYS}
        if not reason:
            errors["reason"] = _("Say why the lockdown is extended.")
        elif len(reason) > TEXT_MAX:
            errors["reason"] = _("At most %(max)d characters.") % {"max": TEXT_MAX}
        if errors:
            raise ValidationError(errors)
        before = zone.planned_end_at
        zone.planned_end_at = planned_end_at
        zone.save(update_fields=["planned_end_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=zone,
            unit_path=zone.unit.path,
            before={"planned_end_at": before.isoformat()},
            after={"planned_end_at": planned_end_at.isoformat()},
            detail={"extension": reason, "recorded_at": clock.now().isoformat()},
        )
    return zone


def zone_testing_area(zone: Zone) -> tuple[AdminUnit, list[AdminUnit]]:
    """The area a testing round of the zone's residents covers, as the labs' rounds take one: a unit, and the
    residential groups in it (none: the whole unit). The zone's groups, the groups of its units, and the groups
    its address lines' residents live in; a unit without groups (or a resident registered at commune level)
    is tested whole, so the round then covers the smallest unit holding them all."""
    leaves: dict[int, AdminUnit] = {}
    whole = False
    for place in zone.units.all():
        if place.level == UnitLevel.GROUP:
            leaves[place.pk] = place
            continue
        groups = list(AdminUnit.objects.filter(path__prefix=place.path, level=UnitLevel.GROUP))
        leaves.update({group.pk: group for group in groups} or {place.pk: place})
        whole = whole or not groups
    if zone.addresses:
        homes = AdminUnit.objects.filter(residents__pk__in=address_residents(zone)).distinct()
        leaves.update({place.pk: place for place in homes})
    if not leaves:
        raise ValidationError({"__all__": _("Nobody to test: the area holds no unit and no registered resident.")})
    places = list(leaves.values())
    area = _smallest_holding(places)
    groups = [place for place in places if place.level == UnitLevel.GROUP]
    if whole or len(groups) < len(places) or any(place.pk == area.pk for place in zone.units.all()):
        return area, []
    return area, sorted(groups, key=lambda group: group.path)


def _smallest_holding(places: list[AdminUnit]) -> AdminUnit:
    """The smallest unit above residential groups whose subtree holds every place."""
    common = places[0].path
    for place in places[1:]:
        while not place.path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    unit = AdminUnit.objects.get(path=common)
    while unit.level == UnitLevel.GROUP and unit.parent_id:
        unit = AdminUnit.objects.get(pk=unit.parent_id)
    return unit


def zone_testing_round(*, actor, zone: Zone, starts_on: date, ends_on: date) -> TestingRound:
    """Plan a testing round of the people inside an open zone (its test to leave) through the labs' rounds: its
    area is the zone's (zone_testing_area), its target the residents registered there, its notes the zone's
    test and conditions. Refused, like any round, outside the actor's jurisdiction for planning testing."""
    with transaction.atomic():
        zone = Zone.objects.select_related("unit").filter(pk=zone.pk).first() or zone
        if zone.ended_at is not None:
            raise ValidationError({"__all__": _("This lockdown has ended: plan testing from the testing rounds.")})
        area, groups = zone_testing_area(zone)
        test = LeaveTest(zone.leave_test).label
        notes = _("Lockdown area “%(zone)s” (%(start)s – %(end)s). Test to leave: %(test)s.") % {
            "zone": zone.name,
            "start": _when(zone.starts_at),
            "end": _when(zone.planned_end_at),
            "test": test,
        }
        if zone.leave_conditions:
            notes += "\n" + zone.leave_conditions
        return round_create(
            actor=actor,
            name=(_("Testing of the lockdown area %(zone)s") % {"zone": zone.name})[:NAME_MAX],
            unit=area,
            groups=groups,
            starts_on=starts_on,
            ends_on=ends_on,
            notes=notes,
        )
