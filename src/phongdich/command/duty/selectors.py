"""Reads of the duty log and briefings: shifts and entries in a user's jurisdiction, the shift on duty in a unit,
the shifts before and after one, who may be put on a unit's duty, and the people a log names through its cases.

Shifts and briefings belong to a unit (`visible_to` / `restrict`); an entry belongs to its shift's unit and a
decision to its briefing's, so they are fetched here through that unit, with their own permissions
(`command.view_dutyentry`, `command.add_dutyentry`)."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from phongdich.accounts.models import User
from phongdich.accounts.roles import ROLE_BINDINGS, ROLE_PERMISSIONS, Binding
from phongdich.core import clock
from phongdich.core.scoping import Scope, scope_filter, scope_of
from phongdich.people.selectors import PersonRef, person_refs
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from ..models import Briefing, DutyEntry, DutyShift

# The roles that keep a command centre's duty log: whoever holds one over a unit may be put on its shifts.
DUTY_ROLES = tuple(
    role
    for role, permissions in ROLE_PERMISSIONS.items()
    if "command.add_dutyentry" in permissions and ROLE_BINDINGS[role] == Binding.UNIT
)


def _within(queryset: QuerySet, model, scope: Scope, through: str = "") -> QuerySet:
    if scope.everywhere:
        return queryset
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(scope_filter(model, scope, through=through))


def shifts_where(user, permission: str = "command.view_dutyshift") -> QuerySet[DutyShift]:
    """The shifts of the units where `user` holds `permission` (command.add_dutyentry: where they may log)."""
    return _within(DutyShift.objects.all(), DutyShift, scope_of(user, permission))


def entries_visible_to(user) -> QuerySet[DutyEntry]:
    """The log entries of the shifts of the units where `user` may read the duty log."""
    return _within(DutyEntry.objects.all(), DutyShift, scope_of(user, "command.view_dutyentry"), through="shift")


def briefings_where(user, permission: str = "command.view_briefing") -> QuerySet[Briefing]:
    return _within(Briefing.objects.all(), Briefing, scope_of(user, permission))


def duty_units(user, permission: str = "command.view_dutyshift") -> QuerySet[AdminUnit]:
    """The units with a command centre (province, districts, communes) where `user` holds `permission`."""
    from phongdich.places.forms import units_for

    return units_for(user, permission).exclude(level=UnitLevel.GROUP)


def home_unit(user, permission: str = "command.view_dutyshift") -> AdminUnit | None:
    """The broadest unit where `user` holds `permission`: the command centre a board opens on."""
    scope = scope_of(user, permission)
    if scope.everywhere:
        return AdminUnit.objects.filter(path=AdminUnit.root_path()).first()
    if not scope.unit_paths:
        return None
    root = min(scope.unit_paths, key=lambda path: (path.count("/"), path))
    return AdminUnit.objects.filter(path=root).exclude(level=UnitLevel.GROUP).first()


def duty_officers(unit: AdminUnit) -> QuerySet[User]:
    """The active users who hold a duty role over `unit` (assigned to it or to a unit above it)."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=DUTY_ROLES,
            role_assignments__unit__path__in=[unit.path, *unit.ancestor_paths()],
        )
        .distinct()
        .order_by("full_name", "username")
    )


def duty_officers_around(scope: Scope) -> QuerySet[User]:
    """The users who hold a duty role over one of the units of `scope` or above them: the choices of a form that
    opens shifts in that scope (the service then checks them against the shift's own unit)."""
    if scope.is_empty:
        return User.objects.none()
    condition = Q(role_assignments__role__in=DUTY_ROLES)
    if not scope.everywhere:
        reach = Q(pk__in=[])
        for root in scope.unit_paths:
            reach |= Q(role_assignments__unit__path__startswith=root)
            head = AdminUnit(path=root)
            reach |= Q(role_assignments__unit__path__in=head.ancestor_paths())
        condition &= reach
    return User.objects.filter(condition, is_active=True).distinct().order_by("full_name", "username")


def briefing_people(unit: AdminUnit) -> QuerySet[User]:
    """The active users who work in, above or below `unit` (a role at a unit or a facility there): who may be
    recorded as attending its briefings."""
    paths = [unit.path, *unit.ancestor_paths()]
    reach = (
        Q(role_assignments__unit__path__in=paths)
        | Q(role_assignments__unit__path__startswith=unit.path)
        | Q(role_assignments__facility__unit__path__startswith=unit.path)
    )
    return User.objects.filter(reach, is_active=True).distinct().order_by("full_name", "username")


def shift_on_duty(unit: AdminUnit, at: datetime | None = None) -> DutyShift | None:
    """The shift of `unit` on duty at `at` (now by default)."""
    at = at or clock.now()
    return (
        DutyShift.objects.filter(unit=unit, starts_at__lte=at, ends_at__gt=at)
        .select_related("unit", "lead", "received_by")
        .order_by("-starts_at")
        .first()
    )


def next_shift(shift: DutyShift) -> DutyShift | None:
    """The shift of the same unit that starts next after this one: the one a handover goes to."""
    return (
        DutyShift.objects.filter(unit_id=shift.unit_id, starts_at__gt=shift.starts_at)
        .select_related("lead")
        .order_by("starts_at", "pk")
        .first()
    )


def previous_shift(shift: DutyShift) -> DutyShift | None:
    """The shift of the same unit that started last before this one: the one whose handover it received."""
    return (
        DutyShift.objects.filter(unit_id=shift.unit_id, starts_at__lt=shift.starts_at)
        .select_related("lead", "received_by")
        .order_by("-starts_at", "-pk")
        .first()
    )


def last_ended_shift(unit: AdminUnit, at: datetime | None = None) -> DutyShift | None:
    at = at or clock.now()
    return (
        DutyShift.objects.filter(unit=unit, ends_at__lte=at)
        .select_related("lead", "received_by")
        .order_by("-ends_at", "-pk")
        .first()
    )


def keeps_the_log(user, shift: DutyShift) -> bool:
    """Whether `user` may log entries in and hand over this shift: its lead or one of its officers, or someone
    who may change the shifts of its unit. Named system actors (the demo, commands) act everywhere."""
    if isinstance(user, str):
        return True
    if user is None or not user.is_authenticated:
        return False
    if user.pk == shift.lead_id or shift.officers.filter(pk=user.pk).exists():
        return True
    return scope_of(user, "command.change_dutyshift").covers_path(shift.unit.path)


def shift_rows(queryset: QuerySet[DutyShift]) -> QuerySet[DutyShift]:
    """Shifts for a list: their unit and lead loaded, their officers and entries counted, in one query."""
    return queryset.select_related("unit", "lead", "received_by").annotate(
        officer_count=Count("officers", distinct=True), entry_count=Count("entries", distinct=True)
    )


def entry_rows(queryset: QuerySet[DutyEntry]) -> QuerySet[DutyEntry]:
    """Entries for a list or a file, with what they link to loaded (one query)."""
    return queryset.select_related("shift__unit", "shift__lead", "case", "task", "alert", "recorded_by")


def name_cases(user, entries: list[DutyEntry]) -> list[DutyEntry]:
    """Put on each entry linked to a case the case's person as `user` may see them (`entry.case_ref`): a name
    inside their jurisdiction, a masked reference outside it. One query for all entries."""
    refs: dict[int, PersonRef] = person_refs(user, {entry.case.person_id for entry in entries if entry.case})
    for entry in entries:
        entry.case_ref = refs.get(entry.case.person_id) if entry.case else None  # type: ignore[attr-defined]
    return entries


def named_people(entries: list[DutyEntry]) -> list[int]:
    """The people the entries' case links name by name (after `name_cases`), for the audit of a page's read."""
    refs = [getattr(entry, "case_ref", None) for entry in entries]
    return sorted({ref.pk for ref in refs if ref is not None and ref.visible})


def decisions_with_tasks(briefing: Briefing) -> list:
    """The briefing's decisions in order, each with the tasks made of it and their lead bodies."""
    return list(briefing.decisions.prefetch_related("tasks__lead").order_by("position", "pk"))
