"""Clusters (ổ dịch): connected groups of cases, linked when one case is the known source of another or when
the two persons were in contact, with confirmations no further apart than the rules' quiet period.

A new case joins the cluster of the cases it is linked to (merging clusters it bridges) or starts one with
them; `rebuild` recomputes every cluster from scratch (after a bulk load). Merges, new clusters and deletions
are audited under the actor whose change caused them. A cluster closes by itself once
no case has been added for the quiet period. Each cluster's unit, main venue and main enterprise are where
most of its cases live, met and work.
"""

from collections import Counter
from datetime import date, timedelta

from django.db.models import Q

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.people.models import Person

from .choices import ClusterStatus, ContactStatus
from .flevels import COUNTING
from .models import Case, Cluster, Contact, TracingRules


def linked_cases(case: Case, rules: TracingRules) -> list[Case]:
    """Other cases linked to `case`: its source, the cases it infected, and cases its person met."""
    window = timedelta(days=rules.cluster_quiet_days)
    met = Contact.objects.filter(status__in=COUNTING).filter(Q(person=case.person_id) | Q(other=case.person_id))
    people = {p for pair in met.values_list("person_id", "other_id") for p in pair} - {case.person_id}
    near = Q(confirmed_at__gte=case.confirmed_at - window, confirmed_at__lte=case.confirmed_at + window)
    return list(
        Case.objects.filter(Q(person__in=people) & near | Q(pk=case.source_case_id) | Q(source_case=case.pk))
        .exclude(pk=case.pk)
        .select_related("cluster")
    )


def link_case(case: Case, rules: TracingRules, *, actor) -> Cluster | None:
    """Put a new case in its cluster: join, merge or start one; a case linked to nobody stays sporadic."""
    linked = linked_cases(case, rules)
    if not linked:
        return None
    clusters = {c.cluster for c in linked if c.cluster and c.cluster.status == ClusterStatus.ACTIVE}
    unclustered = [c.pk for c in linked if c.cluster_id is None]
    if clusters:
        target = max(clusters, key=lambda c: (c.size, -c.pk))
        others = [c for c in clusters if c.pk != target.pk]
        for other in others:
            audit.record(
                actor=actor, action=AuditAction.MERGE, instance=other, detail={"into": target.pk, "case": case.pk}
            )
        Case.objects.filter(cluster__in=others).update(cluster=target)
        Cluster.objects.filter(pk__in=[other.pk for other in others]).delete()
    elif unclustered:
        day = case.confirmed_at.date()
        target = Cluster.objects.create(name="…", unit_id=case.unit_id, first_case_on=day, last_case_on=day)
        audit.record(actor=actor, action=AuditAction.CREATE, instance=target, detail={"case": case.pk})
    else:
        return None  # linked only to cases of closed clusters: a closed cluster is not reopened
    Case.objects.filter(pk__in=[case.pk, *unclustered]).update(cluster=target)
    refresh([target.pk], actor=actor)
    target.refresh_from_db()
    return target


def rebuild(rules: TracingRules, *, actor) -> int:
    """Every cluster from scratch: connected groups of two or more linked cases. Returns how many."""
    window = timedelta(days=rules.cluster_quiet_days)
    rows = Case.objects.values_list("pk", "person", "confirmed_at")
    cases = {pk: (person, confirmed) for pk, person, confirmed in rows}
    by_person: dict[int, list[int]] = {}
    for pk, (person, _confirmed) in cases.items():
        by_person.setdefault(person, []).append(pk)
    parent = {pk: pk for pk in cases}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    def join(a: int, b: int) -> None:
        if abs(cases[a][1] - cases[b][1]) <= window:
            parent[root(a)] = root(b)

    for pk, source in Case.objects.filter(source_case__isnull=False).values_list("pk", "source_case"):
        if source is not None:
            join(pk, source)
    case_people = Case.objects.values("person_id")
    between_cases = Contact.objects.filter(
        status__in=[ContactStatus.PROPOSED, ContactStatus.CONFIRMED],
        person__in=case_people,
        other__in=case_people,
    )
    for a, b in between_cases.values_list("person_id", "other_id").iterator(chunk_size=10_000):
        for x in by_person.get(a, []):
            for y in by_person.get(b, []):
                join(x, y)
    groups: dict[int, list[int]] = {}
    for pk in cases:
        groups.setdefault(root(pk), []).append(pk)
    Case.objects.update(cluster=None)
    _audit_deletions(actor, Cluster.objects.all(), "rebuild")
    Cluster.objects.all().delete()
    made = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first = min(cases[m][1] for m in members).date()
        cluster = Cluster.objects.create(name="…", unit_id=_any_unit(members), first_case_on=first, last_case_on=first)
        for start in range(0, len(members), 5000):
            Case.objects.filter(pk__in=members[start : start + 5000]).update(cluster=cluster)
        made.append(cluster.pk)
    refresh(made, actor=actor)
    return len(made)


def _any_unit(case_ids: list[int]) -> int:
    return Case.objects.filter(pk=case_ids[0]).values_list("unit_id", flat=True)[0]


def _audit_deletions(actor, deleted, reason: str) -> None:
    """A row per cluster about to be deleted, in its unit, written at once (a rebuild may drop thousands)."""
    audit.record_many(
        actor=actor,
        action=AuditAction.DELETE,
        object_type="surveillance.cluster",
        rows=[
            (pk, name, None, path, {"reason": reason, "size": size})
            for pk, name, path, size in deleted.values_list("pk", "name", "unit__path", "size")
        ],
    )


def refresh(cluster_ids: list[int], *, actor) -> None:
    """Size, dates, main unit, venue and enterprise, and name of each cluster, from its cases."""
    for cluster in Cluster.objects.filter(pk__in=cluster_ids):
        rows = list(cluster.cases.order_by("confirmed_at", "pk").values_list("person_id", "unit_id", "confirmed_at"))
        if not rows:
            _audit_deletions(actor, Cluster.objects.filter(pk=cluster.pk), "no case left")
            cluster.delete()
            continue
        people = [person for person, _unit, _at in rows]
        unit = Counter(unit for _person, unit, _at in rows).most_common(1)[0][0]  # ties: the earliest case's
        workplaces = Counter(
            Person.objects.filter(pk__in=people, workplace__isnull=False).values_list("workplace_id", flat=True)
        )
        venues = Counter(
            Contact.objects.filter(other_id__in=people, venue__isnull=False).values_list("venue_id", flat=True)
        )
        cluster.unit_id = unit
        cluster.size = len(rows)
        cluster.first_case_on = min(at for _p, _u, at in rows).date()
        cluster.last_case_on = max(at for _p, _u, at in rows).date()
        top_workplace = workplaces.most_common(1)
        # An enterprise is the cluster's place when at least a third of its cases work there.
        shared = top_workplace and top_workplace[0][1] * 3 >= len(rows)
        cluster.organisation_id = top_workplace[0][0] if shared else None
        cluster.venue_id = venues.most_common(1)[0][0] if venues else None
        cluster.name = _name(cluster)
        cluster.save()


def _name(cluster: Cluster) -> str:
    """The main place and the first case's date: "Công ty TNHH Giày da Phước Thịnh – 12/08/2021"."""
    place = cluster.organisation or cluster.venue or cluster.unit
    label = place.label if hasattr(place, "label") else str(place)
    return f"{label} – {cluster.first_case_on:%d/%m/%Y}"[:200]


def close_quiet(rules: TracingRules, today: date) -> int:
    """Close the active clusters with no new case for the quiet period; returns how many."""
    quiet_since = today - timedelta(days=rules.cluster_quiet_days)
    return Cluster.objects.filter(status=ClusterStatus.ACTIVE, last_case_on__lt=quiet_since).update(
        status=ClusterStatus.CLOSED, closed_on=today
    )
