"""Reads with a rule in them: the tracing rules in force, exposure matching, the tracers' lists."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.people.selectors import PersonRef, name_people, person_refs
from phongdich.places.choices import FacilityKind
from phongdich.places.models import AdminUnit

from .choices import CheckInMatch, DetectionSetting, TaskOutcome
from .models import Case, CheckIn, DeclaredCheckIn, TracingRules, TracingState, TracingTask


def rules_in_force(on: date | None = None) -> TracingRules:
    """The newest rules effective on `on` (today by default); the oldest version covers earlier dates."""
    return in_force(TracingRules, on)


def case_for_reading(user, pk: int) -> Case:
    """A case the user may see, with the read written to the audit trail. Raises DoesNotExist."""
    case = Case.objects.visible_to(user).select_related("person", "unit", "cluster").get(pk=pk)
    audit.record(actor=user, action=AuditAction.READ, instance=case, person_id=case.person_id)
    return case


def walking_list_tasks(user, unit: AdminUnit, limit: int = 500) -> list[TracingTask]:
    """The open tasks of a unit in address order, for a printed walking list (names and addresses): the
    printing is audited as an export of the unit's list. A person who has moved out of the user's jurisdiction
    since is printed as a masked reference (`task.person_ref`), without their address or phone."""
    tasks = name_people(
        user,
        TracingTask.objects.visible_to(user)
        .filter(unit__in=AdminUnit.objects.filter(path__prefix=unit.path).values("pk"), done_at__isnull=True)
        .select_related("person", "person__household", "unit")
        .order_by("unit__path", "person__address", "person__name_search")[:limit],
        person_ref="person_id",
    )
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        instance=unit,
        detail={"document": "tracing walking list", "rows": len(tasks)},
    )
    return tasks


@dataclass(frozen=True)
class Exposure:
    """Someone present at a venue near an F0's presence there, by the rules' check-in match rule."""

    checkin_id: int
    person_id: int
    venue_id: int
    checked_in_at: datetime
    left_at: datetime
    case_checkin_id: int
    case_checked_in_at: datetime
    case_left_at: datetime
    overlap_minutes: int  # negative: the gap between the two stays
    rule: str = CheckInMatch.SCANS

    def get_rule_display(self) -> str:
        return CheckInMatch(self.rule).label


def exposure_matches(case: Case, rules: TracingRules) -> list[Exposure]:
    """Everyone at a venue where the F0 checked in during the infectious period, matched by the rules' method:
    a scan within ± the window of the F0's scan (PC-Covid's rule), or a stay overlapping the F0's within ± the
    window. Two indexed range reads: the F0's check-ins, then each visited venue around each visit."""
    window = timedelta(minutes=rules.checkin_window_minutes)
    default_stay = timedelta(minutes=rules.default_stay_minutes)
    longest = timedelta(minutes=rules.max_stay_minutes)
    by_scans = rules.checkin_match != CheckInMatch.STAYS
    left = _leaving(rules)
    visits = _case_visits(case, rules)
    if not visits:
        return []
    around = Q(pk__in=[])
    for _pk, venue, arrived, gone in visits:
        if by_scans:
            around |= Q(venue_id=venue, checked_in_at__gte=arrived - window, checked_in_at__lte=arrived + window)
            continue
        # Arrived before the F0 left (plus the window), and still there when the F0 arrived (minus the window):
        # without a check-out the stay is the default one; the database does this filtering on its index.
        start = arrived - window
        still_there = Q(checked_out_at__isnull=True, checked_in_at__gte=start - default_stay) | Q(
            checked_out_at__gte=start, checked_in_at__gte=start - longest
        )
        around |= Q(venue_id=venue, checked_in_at__lte=gone + window) & still_there
    others = (
        CheckIn.objects.filter(around)
        .exclude(person_id=case.person_id)
        .values_list("pk", "person_id", "venue_id", "checked_in_at", "checked_out_at")
    )
    found = []
    for pk, person, venue, arrived, out in others:
        if arrived > case.infectious_until:
            continue  # came after the F0 was isolated: the F0 had left
        gone = left(arrived, out)
        for case_pk, case_venue, case_arrived, case_gone in visits:
            if venue != case_venue:
                continue
            if by_scans and abs(arrived - case_arrived) > window:
                continue
            if not by_scans and (arrived > case_gone + window or gone < case_arrived - window):
                continue
            overlap = min(gone, case_gone) - max(arrived, case_arrived)
            found.append(
                Exposure(
                    pk,
                    person,
                    venue,
                    arrived,
                    gone,
                    case_pk,
                    case_arrived,
                    case_gone,
                    int(overlap.total_seconds() // 60),
                    rules.checkin_match,
                )
            )
    return sorted(found, key=lambda e: (e.checked_in_at, e.checkin_id))


ISOLATION_SITES = {FacilityKind.ISOLATION_SITE, FacilityKind.ENTERPRISE_ISOLATION_SITE}


def detection_setting_for(person_id: int, *, sampled_at: datetime, site_kind: str = "") -> str:
    """Where a case found by a test was, from where the person actually was: in quarantine when sampled at an
    isolation site, or when tracers recorded them isolated for their current exposure before the sample; in
    the community otherwise. Being an F1 is not being in quarantine: from 1909/BYT-DP (15/4/2022) F1s were no
    longer quarantined, and before it not every F1 was reached in time."""
    if site_kind in ISOLATION_SITES:
        return DetectionSetting.QUARANTINE
    exposed_at = (
        TracingState.objects.filter(person_id=person_id, level__gte=1, cleared_at__isnull=True)
        .values_list("exposed_at", flat=True)
        .first()
    )
    if exposed_at is not None and (
        TracingTask.objects.filter(
            person_id=person_id, outcome=TaskOutcome.ISOLATED, done_at__gte=exposed_at, done_at__lte=sampled_at
        ).exists()
    ):
        return DetectionSetting.QUARANTINE
    return DetectionSetting.COMMUNITY


def _leaving(rules: TracingRules):
    default_stay = timedelta(minutes=rules.default_stay_minutes)
    longest = timedelta(minutes=rules.max_stay_minutes)

    def left(checked_in_at, checked_out_at):
        return min(checked_out_at or checked_in_at + default_stay, checked_in_at + longest)

    return left


def _case_visits(case: Case, rules: TracingRules) -> list[tuple]:
    """(check-in id, venue id, arrived, left) of the F0's stays during the infectious period."""
    left = _leaving(rules)
    by_scans = rules.checkin_match != CheckInMatch.STAYS
    reach_back = timedelta(0) if by_scans else timedelta(minutes=rules.max_stay_minutes)
    visits = CheckIn.objects.filter(
        person_id=case.person_id,
        checked_in_at__gte=case.infectious_from - reach_back,
        checked_in_at__lte=case.infectious_until,
    ).values_list("pk", "venue_id", "checked_in_at", "checked_out_at")
    return [
        (pk, venue, arrived, left(arrived, out))
        for pk, venue, arrived, out in visits
        if left(arrived, out) >= case.infectious_from
    ]


def declared_near(user, case: Case, rules: TracingRules) -> list[DeclaredCheckIn]:
    """Check-ins declared on the public page (a number, attached to nobody) that fall within the rules' window
    of the F0's stays: numbers for the tracer to call. Only those the user may see."""
    window = timedelta(minutes=rules.checkin_window_minutes + rules.default_stay_minutes)
    around = Q(pk__in=[])
    for _pk, venue, arrived, gone in _case_visits(case, rules):
        around |= Q(venue_id=venue, checked_in_at__gte=arrived - window, checked_in_at__lte=gone + window)
    declared = DeclaredCheckIn.objects.visible_to(user).filter(around).select_related("venue")
    return list(declared.order_by("checked_in_at")[:500])


def counts_by_unit(user, level: int = 2):
    """{unit_id, unit_name, commune_name, count} of F`level` contacts in scope per residential unit, largest first."""
    return (
        TracingState.objects.visible_to(user)
        .filter(level=level)
        .values("unit_id")
        .annotate(unit_name=F("unit__name"), commune_name=F("unit__parent__name"), count=Count("id"))
        .order_by("-count", "unit_name")
    )


def tracers_for(unit):
    """Users who may work tracing tasks in `unit`: their assignment's unit is the unit or one above it."""
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import ROLE_PERMISSIONS

    roles = [role for role, granted in ROLE_PERMISSIONS.items() if "surveillance.change_tracingtask" in granted]
    parts = unit.path.rstrip("/").split("/")
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=roles, role_assignments__unit__path__in=paths)
        .distinct()
        .order_by("username")
    )


def case_contacts(user, case: Case, limit: int = 300) -> list:
    """Contacts of the case's person the user may see, nearest first, each with `party`: the other person,
    named only if the user may see them. Two queries."""
    from .models import Contact

    contacts = list(
        Contact.objects.visible_to(user)
        .filter(Q(other_id=case.person_id) | Q(person_id=case.person_id))
        .select_related("venue")
        .order_by("status", "-first_at")[:limit]
    )
    for contact in contacts:
        contact.party_id = contact.other_id if contact.person_id == case.person_id else contact.person_id
    return name_people(user, contacts, party="party_id")


def exposures_named(user, exposures: list[Exposure]) -> list[tuple[Exposure, PersonRef]]:
    """Each exposure with the person exposed, named only if the user may see them."""
    refs = person_refs(user, [exposure.person_id for exposure in exposures])
    return [(exposure, refs[exposure.person_id]) for exposure in exposures]


def level_history(person_id: int, limit: int = 20):
    from .models import LevelChange

    return LevelChange.objects.filter(person_id=person_id).order_by("-at", "-id")[:limit]


@dataclass
class GraphNode:
    person_id: int
    label: str  # the name inside the viewer's jurisdiction, otherwise only the level
    level: int
    case_id: int | None
    parent: int | None
    x: float = 0.0
    y: int = 0


def cluster_graph(user, cluster, max_level: int = 1, since: date | None = None, until: date | None = None):
    """The transmission tree of a cluster: its cases (F0) joined by known source, and (down to `max_level`)
    the contacts each case's chain reached, joined by whom they were exposed through. Laid out in layers
    by generation; names only for people the viewer may see. Three queries whatever the size."""
    cases = cluster.cases.all()
    if since:
        cases = cases.filter(confirmed_at__date__gte=since)
    if until:
        cases = cases.filter(confirmed_at__date__lte=until)
    nodes: dict[int, GraphNode] = {}
    case_ids = []
    for case_id, person, source_person in cases.values_list("pk", "person_id", "source_case__person_id"):
        case_ids.append(case_id)
        nodes[person] = GraphNode(person, "", 0, case_id, source_person)
    if max_level >= 1 and case_ids:
        states = TracingState.objects.filter(root_case__in=case_ids, level__gte=1, level__lte=max_level)
        for person, level, via in states.values_list("person_id", "level", "via_id"):
            if person not in nodes:
                nodes[person] = GraphNode(person, "", level, None, via)
    refs = person_refs(user, nodes)
    for node in nodes.values():
        node.label = refs[node.person_id].name or f"F{node.level}"
        if node.parent not in nodes:
            node.parent = None
    _layout(nodes)
    return list(nodes.values())


def _layout(nodes: dict[int, GraphNode]) -> None:
    """A layered tree: y is the generation, leaves take the next free x, a parent sits over its children.
    Iterative, since a long outbreak can chain more generations than Python's recursion allows."""
    children: dict[int | None, list[int]] = {}
    for person, node in sorted(nodes.items()):
        children.setdefault(node.parent, []).append(person)
    next_x = 0.0
    for root in children.get(None, []):
        stack = [(root, 0, False)]
        while stack:
            person, depth, done = stack.pop()
            node, kids = nodes[person], children.get(person, [])
            node.y = depth
            if not kids:
                node.x, next_x = next_x, next_x + 1
            elif done:
                node.x = (nodes[kids[0]].x + nodes[kids[-1]].x) / 2
            else:
                stack.append((person, depth, True))
                stack.extend((kid, depth + 1, False) for kid in reversed(kids))
