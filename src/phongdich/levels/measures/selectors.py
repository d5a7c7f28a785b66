"""Reads of the measures by level: the version in force, a version as rows for the pages, what is allowed in a unit
at the level in effect there, and what changes when a level goes up or down."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import clock
from phongdich.core.rules import in_force
from phongdich.core.templatetags.humanize_vi import num
from phongdich.places.models import AdminUnit

from ..choices import Activity, Level, LimitKind, MeasureStatus, ResultStatus
from ..models import LevelResult, MeasureRules
from ..selectors import level_now
from .services import LEVELS

# How a status reads as a badge (the existing badge colours): open green, limited amber, closed red, the province
# decides grey.
BADGES = {
    MeasureStatus.OPEN: "badge-ok",
    MeasureStatus.LIMITED: "badge-warn",
    MeasureStatus.CLOSED: "badge-alert",
    MeasureStatus.PROVINCE: "badge-plain",
}


@dataclass(frozen=True)
class Cell:
    """One activity at one level (`level` None when the version is the same at every level)."""

    level: int | None
    status: str
    limit: int | None
    limit_kind: str
    note: str
    verify: bool

    @property
    def level_label(self) -> str:
        return str(_("Level %(level)s") % {"level": self.level} if self.level else _("Every level"))

    @property
    def status_label(self) -> str:
        return str(MeasureStatus(self.status).label) if self.status in MeasureStatus.values else self.status

    @property
    def badge(self) -> str:
        return (
            BADGES.get(MeasureStatus(self.status), "badge-plain")
            if self.status in MeasureStatus.values
            else "badge-plain"
        )

    @property
    def limit_text(self) -> str:
        """ "at most 20 people", "at most 50 % of capacity", or "" without a limit."""
        if self.limit is None:
            return ""
        if self.limit_kind == LimitKind.PERCENT:
            return _("at most %(n)s %% of capacity") % {"n": num(self.limit)}
        return _("at most %(n)s people") % {"n": num(self.limit)}

    def same_rule(self, other: "Cell") -> bool:
        """Whether the two say the same thing: status and limit (a note's wording is not a change)."""
        return (self.status, self.limit, self.limit_kind) == (other.status, other.limit, other.limit_kind)


@dataclass(frozen=True)
class Row:
    activity: str
    label: str
    cells: list[Cell]

    @property
    def verify(self) -> bool:
        return any(cell.verify for cell in self.cells)


@dataclass(frozen=True)
class Change:
    """An activity whose rule differs between two levels: what it is at the first, what at the second."""

    activity: str
    label: str
    before: Cell
    after: Cell


@dataclass(frozen=True)
class LevelChanges:
    level: int
    label: str
    up: bool
    changes: list[Change]


@dataclass
class Allowed:
    """What is allowed in `unit` at `at`: the level in effect (its own, or the nearest unit above it that has one),
    since when, the rule version in force, each activity at that level, and what would change at each other level.
    `level` is None while no level is published for the unit or any unit above it."""

    unit: AdminUnit
    at: datetime
    rules: MeasureRules
    result: LevelResult | None
    since: datetime | None = None
    upcoming: LevelResult | None = None
    rows: list[Row] = field(default_factory=list)
    changes: list[LevelChanges] = field(default_factory=list)

    @property
    def level(self) -> int | None:
        return self.result.level if self.result is not None else None

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level in Level.values else ""

    @property
    def inherited(self) -> bool:
        """Whether the level is a unit above's (the unit has none of its own)."""
        return self.result is not None and self.result.unit_id != self.unit.pk


def measures_in_force(on: date | None = None) -> MeasureRules:
    """The version of the measures in force on `on` (today by default)."""
    return in_force(MeasureRules, on)


def cell_of(rules: MeasureRules, activity: str, level: int) -> Cell:
    """One activity at one level of a version; an activity the version lacks reads as left to the province."""
    entry = (rules.measures or {}).get(activity, {}).get(str(level)) or {"status": MeasureStatus.PROVINCE}
    verify = set(rules.verify or [])
    return Cell(
        level=level,
        status=str(entry.get("status") or MeasureStatus.PROVINCE),
        limit=entry.get("limit"),
        limit_kind=entry.get("limit_kind") or "",
        note=entry.get("note") or "",
        verify=activity in verify or f"{activity}.{level}" in verify,
    )


def measures_table(rules: MeasureRules, levels: list[int] | None = None) -> list[Row]:
    """A version as rows, one per activity of the annex, with a cell per level (or `levels` only); a version the
    same at every level has one cell per row, for every level."""
    chosen = levels or [int(level) for level in LEVELS]
    collapsed = levels is None and not _differs(rules)
    rows = []
    for activity, label in Activity.choices:
        cells = [cell_of(rules, activity, level) for level in chosen]
        if collapsed:
            first = cells[0]
            cells = [Cell(None, first.status, first.limit, first.limit_kind, first.note, any(c.verify for c in cells))]
        rows.append(Row(activity=activity, label=str(label), cells=cells))
    return rows


def _differs(rules: MeasureRules) -> bool:
    """Whether any activity's rule or note differs between levels (a mark to verify alone does not count)."""
    return any(
        len({_said(cell_of(rules, activity, int(level))) for level in LEVELS}) > 1 for activity in Activity.values
    )


def _said(cell: Cell) -> tuple:
    return (cell.status, cell.limit, cell.limit_kind, cell.note)


def changes_between(rules: MeasureRules, from_level: int, to_level: int) -> list[Change]:
    """The activities whose status or limit differ between the two levels, in the annex's order, with before
    (at `from_level`) and after (at `to_level`)."""
    changes = []
    for activity, label in Activity.choices:
        before, after = cell_of(rules, activity, from_level), cell_of(rules, activity, to_level)
        if not before.same_rule(after):
            changes.append(Change(activity=activity, label=str(label), before=before, after=after))
    return changes


def allowed_here(unit: AdminUnit, at: datetime | None = None) -> Allowed:
    """What is allowed in `unit` now (or at `at`): the published level in effect there and the measures of the
    version in force that day at that level, with the changes a move to each other level would bring."""
    at = at or clock.now()
    rules = measures_in_force(timezone.localdate(at))
    result = level_now(unit, at)
    allowed = Allowed(unit=unit, at=at, rules=rules, result=result)
    path = result.unit_path if result is not None else unit.path
    allowed.upcoming = (
        LevelResult.objects.filter(
            unit_path=path, status=ResultStatus.PUBLISHED, effective_at__gt=at, level__isnull=False
        )
        .order_by("effective_at", "id")
        .first()
    )
    if result is None:
        allowed.rows = measures_table(rules)
        return allowed
    allowed.since = _level_since(result, at)
    level = result.level or 1  # published results in effect always carry a level (the query asks for one)
    allowed.rows = measures_table(rules, levels=[level])
    allowed.changes = [
        LevelChanges(
            level=other,
            label=str(Level(other).label),
            up=other > level,
            changes=changes_between(rules, level, other),
        )
        for other in (*range(level + 1, 5), *range(level - 1, 0, -1))
    ]
    return allowed


def _level_since(result: LevelResult, at: datetime) -> datetime | None:
    """When the level in effect began: the earliest of the unbroken run of published results at this level."""
    since = result.effective_at
    history = (
        LevelResult.objects.filter(
            unit_path=result.unit_path, status=ResultStatus.PUBLISHED, effective_at__lte=at, level__isnull=False
        )
        .order_by("-effective_at", "-id")
        .values_list("level", "effective_at")[:104]
    )
    for level, effective_at in history:
        if level != result.level:
            break
        since = effective_at
    return since
