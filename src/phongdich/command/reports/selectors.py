"""Reading situation reports. Who sees which: every report of a unit a user's role is bound to (drafts and signed
versions not yet sent included), and the reports the units below have sent upward; never another unit's draft.
A report's figures, narratives and the reports of the units below are read from what it froze."""

from dataclasses import dataclass

from django.db.models import Q

from phongdich.accounts.roles import role_grants
from phongdich.core.scoping import scope_of
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from ..choices import ReportStatus
from ..models import ReportTemplate, SituationReport
from .catalogue import is_part, is_percent, label_of

VIEW = "command.view_situationreport"
ADD = "command.add_situationreport"
CHANGE = "command.change_situationreport"
SIGN = "command.sign_situationreport"
DEFAULT_TEMPLATE = "bao-cao-nhanh"
REPORTING_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE)


@dataclass(frozen=True)
class Bound:
    """The units a user's roles are bound to (not their subtrees) for a permission; everywhere for a named system
    actor or a superuser."""

    paths: frozenset[str] = frozenset()
    everywhere: bool = False

    def covers(self, path: str) -> bool:
        return self.everywhere or path in self.paths

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.paths)


def bound_units(user, permission: str) -> Bound:
    """The units whose own reports `user` works on with `permission`: those their unit-bound roles granting it are
    assigned to. A role over a province does not make its districts' drafts the province's."""
    scope = scope_of(user, permission)
    if scope.everywhere:
        return Bound(everywhere=True)
    if scope.is_empty:
        return Bound()
    paths = {
        path
        for role, path, facility_id, _kind, organisation_id in user.scope_rows()
        if path and not facility_id and not organisation_id and role_grants(role, permission)
    }
    return Bound(paths=frozenset(paths))


def reports_visible_to(user):
    """The reports `user` may read: within their jurisdiction, all versions of their own units' reports, and the
    units below only once sent upward."""
    reports = SituationReport.objects.visible_to(user)
    bound = bound_units(user, VIEW)
    if bound.everywhere:
        return reports
    return reports.filter(Q(status=ReportStatus.SENT) | Q(unit__path__in=sorted(bound.paths)))


def reporting_units(user, permission: str = ADD):
    """The units `user` may generate (or sign) reports for: their own bound units above residential groups."""
    bound = bound_units(user, permission)
    units = AdminUnit.objects.filter(level__in=REPORTING_LEVELS).select_related("parent").order_by("path")
    if bound.everywhere:
        return units
    return units.filter(path__in=sorted(bound.paths))


def active_templates():
    return ReportTemplate.objects.filter(active=True).order_by("code")


def sections_of(report: SituationReport) -> list[dict]:
    """The report's sections as its template orders them, each with its frozen figures (code, label, value, whether
    a percentage) and its narrative."""
    values = (report.figures or {}).get("values", {})
    narratives = report.narratives or {}
    sections = []
    for section in report.template.sections or []:
        key = section.get("key", "")
        rows = [
            {
                "code": code,
                "label": label_of(code),
                "value": values.get(code),
                "percent": is_percent(code),
                "part": is_part(code),
            }
            for code in section.get("figures", [])
        ]
        sections.append(
            {
                "key": key,
                "title": section.get("title", key),
                "hint": section.get("hint", ""),
                "narrative_allowed": bool(section.get("narrative")),
                "narrative": narratives.get(key, ""),
                "rows": rows,
            }
        )
    return sections


def narrative_keys(template: ReportTemplate) -> list[str]:
    """The sections of a template that take a narrative, in order."""
    return [section["key"] for section in template.sections or [] if section.get("narrative") and section.get("key")]


def children_of(report: SituationReport) -> tuple[list[dict], list[dict]]:
    """(the units below that had sent their report when this one was generated, those that had not)."""
    sent = [child for child in report.children or [] if child.get("report_id")]
    missing = [child for child in report.children or [] if not child.get("report_id")]
    return sent, missing


def versions_of(user, report: SituationReport):
    """The other versions of the same unit's report of the same day that `user` may read, newest first."""
    return (
        reports_visible_to(user)
        .filter(unit_id=report.unit_id, day=report.day)
        .exclude(pk=report.pk)
        .order_by("-version")
        .only("pk", "version", "status", "signed_at", "sent_at", "unit_id", "day")
    )


def latest_version(unit: AdminUnit, day) -> SituationReport | None:
    return SituationReport.objects.filter(unit=unit, day=day).order_by("-version").first()
