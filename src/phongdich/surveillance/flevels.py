"""F-levels: the engine that keeps every person's level true as cases and contacts change.

A person's level is the length of the shortest chain of contacts from an active F0 (level 0) up to the rules'
deepest level (F3). A chain must run forward in time: the contact with an F0 happens inside the F0's
infectious period (from `infectious_from` until isolation; caring for the F0 counts while the case is active,
as for a home-treated F0 cared for without full protection, 11042/BYT-DP), and each further contact happens no
earlier than the exposure that made the previous person a contact. Among chains of equal length the earliest
exposure wins.
A person cleared (negative test, quarantine done) is not a contact through exposures up to their clearance; a
contact who tested negative but stays in quarantine (the testing rules decide which) keeps their level but is no
longer a source: nobody is traced through what they met until then (`not_source_until`).

Any change at a person x (new or closed F0, contact added or dismissed, clearance) can only change the levels
of people within `max_level` contacts of x: a chain through x is at most that long. So an incremental
re-levelling recomputes that neighbourhood ("region") alone, seeded by its F0s and by the unchanged levels
of the people just outside it; a full recompute is the same computation with everyone in the region.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from phongdich.core import clock
from phongdich.people.models import Person

from .choices import OWN_CLEARANCES, CaseStatus, ClearReason, ContactKind, ContactStatus
from .models import Case, Contact, LevelChange, TracingRules, TracingState

CHUNK = 5000  # ids per IN (…) list, well under SQLite's and PostgreSQL's parameter limits
COUNTING = [ContactStatus.PROPOSED, ContactStatus.CONFIRMED]
RELEVEL_LOCK = 740_301  # any number unique among the project's advisory locks


@dataclass(frozen=True)
class Level:
    level: int
    exposed_at: datetime
    via: int | None
    root_case: int | None


@dataclass(frozen=True)
class Change:
    person_id: int
    unit_id: int
    before: int | None
    after: int | None


@dataclass
class Graph:
    """Contacts as adjacency lists: person -> [(other, first_at, last_at)]; mutual. `loaded` holds the ids of
    the contacts read so far, so that reading around overlapping groups of people adds each contact once."""

    edges: dict[int, list[tuple[int, datetime, datetime]]] = field(default_factory=dict)
    loaded: set[int] = field(default_factory=set)
    care: set[tuple[int, int, datetime]] = field(default_factory=set)  # (carer or cared for, other, first_at)

    def neighbours(self, person: int) -> list[tuple[int, datetime, datetime]]:
        return self.edges.get(person, [])


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def with_ids(queryset, column: str, ids: list[int]):
    """`queryset` restricted to `column IN (ids)`. Written as a raw condition on purpose: the ORM prepares
    each value of an `__in` list through the foreign key (about 8 µs an id), which was half of a re-levelling
    around a few thousand people. The ids are the engine's own integers."""
    marks = ", ".join(["%s"] * len(ids))
    return queryset.extra(where=[f"{queryset.model._meta.db_table}.{column} IN ({marks})"], params=ids)


def load_graph(person_ids: set[int] | None, graph: Graph | None = None) -> Graph:
    """Add the counting contacts touching `person_ids` (all of them when None) to `graph` (or a new one)."""
    graph = graph or Graph()
    contacts = Contact.objects.filter(status__in=COUNTING)
    if person_ids is None:
        batches = [contacts]
    else:
        batches = []
        for ids in chunks(person_ids):
            batches += [with_ids(contacts, "person_id", ids), with_ids(contacts, "other_id", ids)]
    everyone = person_ids is None
    for batch in batches:
        as_text = batch.values_list(
            "pk", "person_id", "other_id", Cast("first_at", CharField()), Cast("last_at", CharField())
        )
        for pk, a, b, first_at, last_at in _raw_rows(as_text):
            if a == b or (not everyone and pk in graph.loaded):
                continue
            if not everyone:
                graph.loaded.add(pk)
            first_at, last_at = _aware(first_at), _aware(last_at)
            graph.edges.setdefault(a, []).append((b, first_at, last_at))
            graph.edges.setdefault(b, []).append((a, first_at, last_at))
        # Care contacts, read apart: they are few, and a column more on every row cost a full recompute 40%.
        care = batch.filter(kind=ContactKind.CARE).values_list("person_id", "other_id", Cast("first_at", CharField()))
        for a, b, first_at in _raw_rows(care):
            graph.care.update({(a, b, _aware(first_at)), (b, a, _aware(first_at))})
    return graph


def _raw_rows(queryset) -> Iterator[tuple]:
    """The rows of a values_list queryset as the driver returns them: a full recompute reads millions of
    contacts, and Django's per-value datetime conversion would cost more than everything else together
    (so times are read as text, see _aware)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            yield from rows


def _aware(text: str) -> datetime:
    """A stored time read as text (parsed in C): SQLite holds UTC without an offset; PostgreSQL, whose session
    Django keeps in UTC, writes "+00"."""
    return datetime.fromisoformat(text if text.endswith("+00") else text + "+00:00")


def region_around(person_ids: set[int], depth: int) -> tuple[set[int], Graph]:
    """Everyone within `depth` counting contacts of `person_ids` (ignoring time: a safe superset), and every
    contact touching them, read ring by ring."""
    graph = Graph()
    region, frontier = set(person_ids), set(person_ids)
    for _ in range(depth):
        load_graph(frontier, graph)
        frontier = {other for p in frontier for other, _f, _l in graph.neighbours(p)} - region
        if not frontier:
            return region, graph
        region |= frontier
    load_graph(frontier, graph)  # the outermost ring's contacts, which reach the people just outside
    return region, graph


def active_cases(person_ids: set[int] | None) -> dict[int, tuple[int, datetime, datetime]]:
    """person -> (case id, infectious from, infectious until) of their active case."""
    cases = Case.objects.filter(status=CaseStatus.ACTIVE)
    rows = []
    if person_ids is None:
        rows = list(cases.values_list("person_id", "pk", "infectious_from", "isolated_at", "confirmed_at"))
    else:
        for ids in chunks(person_ids):
            rows += with_ids(cases, "person_id", ids).values_list(
                "person_id", "pk", "infectious_from", "isolated_at", "confirmed_at"
            )
    found: dict[int, tuple[int, datetime, datetime]] = {}
    for person, case, start, isolated, confirmed in sorted(rows, key=lambda row: row[2]):
        found.setdefault(person, (case, start, isolated or confirmed))
    return found


def stored_states(person_ids: set[int] | None) -> dict[int, tuple]:
    """person -> (state id, level, exposed_at, via, root case, cleared_at, unit id, level_since, cleared_reason,
    not_source_until)."""
    columns = (
        "person_id",
        "pk",
        "level",
        "exposed_at",
        "via_id",
        "root_case_id",
        "cleared_at",
        "unit_id",
        "level_since",
        "cleared_reason",
        "not_source_until",
    )
    states = TracingState.objects.all()
    if person_ids is None:
        return {row[0]: row[1:] for row in states.values_list(*columns).iterator(chunk_size=10_000)}
    found = {}
    for ids in chunks(person_ids):
        found.update({row[0]: row[1:] for row in with_ids(states, "person_id", ids).values_list(*columns)})
    return found


def compute_levels(
    region: set[int] | None,
    graph: Graph,
    cases: dict[int, tuple[int, datetime, datetime]],
    boundary: dict[int, Level],
    cleared: dict[int, datetime],
    max_level: int,
    not_source: dict[int, datetime] | None = None,
) -> dict[int, Level]:
    """Levels of the people in `region` (everyone when None), breadth first from the F0s in it and from the
    stored levels of `boundary` people just outside it. A contact in `not_source` passes on no exposure up to
    their time there (an F0 always does: a later positive test makes them one)."""
    not_source = not_source or {}
    inside = (lambda p: True) if region is None else region.__contains__
    found = {p: Level(0, start, None, case) for p, (case, start, _until) in cases.items() if inside(p)}
    until = {p: entry[2] for p, entry in cases.items()}
    for level in range(max_level):
        sources = [(p, found[p]) for p in found if found[p].level == level]
        sources += [(p, known) for p, known in boundary.items() if known.level == level]
        reached: dict[int, Level] = {}
        for person, known in sources:
            for other, first_at, last_at in graph.neighbours(person):
                if other in found or not inside(other) or last_at < known.exposed_at:
                    continue
                if (
                    known.level == 0
                    and first_at > until.get(person, first_at)
                    and (other, person, first_at) not in graph.care
                ):
                    continue  # met after the F0 was isolated, other than caring for them (11042/BYT-DP)
                exposed_at = max(first_at, known.exposed_at)
                if other in cleared and exposed_at <= cleared[other]:
                    continue
                if known.level > 0 and person in not_source and exposed_at <= not_source[person]:
                    continue
                best = reached.get(other)
                if best is None or exposed_at < best.exposed_at:
                    reached[other] = Level(level + 1, exposed_at, person, known.root_case)
        if not reached:
            break
        found.update(reached)
    return found


@dataclass
class Relevel:
    changes: list[Change]
    region_size: int


def relevel(
    around: set[int] | None, *, rules: TracingRules, actor: str, reason: str, params: dict | None = None
) -> Relevel:
    """Recompute levels around `around` (everyone when None), store what changed with its history: `reason`
    is a code, `params` the ids and values its words name (see reasons.py).
    Runs inside the caller's transaction; re-levellings are serialised (see _serialise)."""
    _serialise()
    if around is None:
        region, graph = None, load_graph(None)
    else:
        region, graph = region_around(around, rules.max_level)
    states = stored_states(region)
    cases = active_cases(region)
    boundary: dict[int, Level] = {}
    not_source = {p: state[9] for p, state in states.items() if state[9] is not None}
    if region is not None:
        outside = {other for p in region for other, _f, _l in graph.neighbours(p)} - region
        cases.update(active_cases(outside))
        for person, (_pk, level, exposed_at, via, root, *rest) in stored_states(outside).items():
            if level is not None and exposed_at is not None:
                boundary[person] = Level(level, exposed_at, via, root)
            if rest[-1] is not None:
                not_source[person] = rest[-1]
    cleared = {p: state[5] for p, state in states.items() if state[5] is not None and state[8] in OWN_CLEARANCES}
    levels = compute_levels(region, graph, cases, boundary, cleared, rules.max_level, not_source)
    changes = store(levels, states, region, actor=actor, reason=reason, params=params or {})
    _reopen_source_clearances(changes)
    return Relevel(changes, len(region) if region is not None else len(graph.edges))


def _reopen_source_clearances(changes: list[Change]) -> None:
    """A person cleared because of their source who is a contact again (the source turned positive, another
    chain reached them) is no longer cleared."""
    again = [c.person_id for c in changes if c.after is not None]
    for ids in chunks(again):
        with_ids(TracingState.objects.filter(cleared_reason=ClearReason.SOURCE_NEGATIVE), "person_id", ids).update(
            cleared_at=None, cleared_reason=""
        )


def _serialise() -> None:
    """Two re-levellings of overlapping neighbourhoods must not interleave, or one would store levels computed
    from what the other was changing. SQLite runs one writing transaction at a time already; PostgreSQL takes
    a transaction-scoped advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RELEVEL_LOCK])


def store(levels: dict[int, Level], states: dict[int, tuple], region, *, actor, reason, params) -> list[Change]:
    """Write new and changed levels (and clear vanished ones), each level change with a history row."""
    now = clock.now()
    candidates = set(levels) | {p for p, state in states.items() if state[1] is not None}
    if region is not None:
        candidates &= region
    new_people = [p for p in candidates if p not in states]
    units = {}
    for ids in chunks(new_people):
        units.update(with_ids(Person.objects.all(), "id", ids).values_list("pk", "unit_id"))
    updates, creates, history, changes = [], [], [], []
    for person in candidates:
        new = levels.get(person)
        values = (new.level, new.exposed_at, new.via, new.root_case) if new else (None, None, None, None)
        state = states.get(person)
        if state is None:
            creates.append(
                TracingState(
                    person_id=person,
                    unit_id=units[person],
                    level=values[0],
                    exposed_at=values[1],
                    via_id=values[2],
                    root_case_id=values[3],
                    level_since=now,
                )
            )
            before, unit = None, units[person]
        else:
            before, unit = state[1], state[6]
            if tuple(state[1:5]) == values:
                continue
            since = now if before != values[0] else state[7]
            updates.append((*values, since, state[0]))
        if before != values[0]:
            changes.append(Change(person, unit, before, values[0]))
            history.append(
                LevelChange(
                    person_id=person,
                    unit_id=unit,
                    from_level=before,
                    to_level=values[0],
                    at=now,
                    reason=reason,
                    params=params,
                    actor=actor[:150],
                )
            )
    TracingState.objects.bulk_create(creates, batch_size=2000)
    _update_states(updates)
    LevelChange.objects.bulk_create(history, batch_size=2000)
    return changes


def _update_states(updates: list[tuple]) -> None:
    """One prepared UPDATE run for many rows: far cheaper than bulk_update's CASE expressions on big recomputes."""
    if not updates:
        return
    table = TracingState._meta.db_table
    sql = (
        f"UPDATE {table} SET level = %s, exposed_at = %s, via_id = %s, root_case_id = %s, "
        "level_since = %s WHERE id = %s"
    )
    field = TracingState._meta.get_field("exposed_at")
    rows = [
        (level, field.get_db_prep_value(exposed, connection), via, root, field.get_db_prep_value(since, connection), pk)
        for level, exposed, via, root, since, pk in updates
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
