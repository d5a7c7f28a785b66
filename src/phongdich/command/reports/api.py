"""/api/v1/command/reports: situation reports the caller may read (their own units' in every status, the units
below once sent upward), a report in full, generating or refreshing one, writing its narratives, signing, opening a
new version, sending it upward, and its documents. Scoped like the pages; the same services do the writes. A report
id in the path answers 404 outside what the caller may read or work on, as for a missing one; a unit id in the
body, 422 on its field."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.core.api import filtered, lookup, lookup_field
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission

from ..models import ReportTemplate, SituationReport
from .documents import FORMATS, filename_of, report_document
from .filtersets import ReportFilterSet
from .selectors import ADD, CHANGE, SIGN, VIEW, bound_units, reporting_units, reports_visible_to, sections_of
from .services import report_exported, report_generate, report_revise, report_send, report_sign, report_write

router = Router(tags=["command: situation reports"])


class ReportOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    day: date
    version: int
    status: str = Field(description="draft, signed or sent (upward).")
    template: str
    cutoff_at: datetime = Field(description="The time the figures were frozen as at.")
    signed_at: datetime | None
    signer_title: str
    sent_at: datetime | None
    previous_id: int | None

    @staticmethod
    def resolve_unit_name(report) -> str:
        return report.unit.name

    @staticmethod
    def resolve_template(report) -> str:
        return report.template.code


class ReportPage(Schema):
    items: list[ReportOut]
    next_cursor: str | None


class FigureOut(Schema):
    code: str
    label: str
    value: float | int | None
    percent: bool


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]
    narrative_allowed: bool
    narrative: str


class ChildOut(Schema):
    unit_id: int
    unit_name: str
    report_id: int | None = Field(description="The unit's latest version sent upward by then; null: not yet reported.")
    version: int | None = None
    sent_at: datetime | None = None
    narratives: list[dict] = Field(
        default_factory=list, description="The sections' narratives it sent: key, title, text."
    )


class ReportDetailOut(ReportOut):
    figures: dict = Field(description="The frozen figures by code (`values`), the window, and by unit below.")
    narratives: dict[str, str]
    sections: list[SectionOut]
    children: list[ChildOut]

    @staticmethod
    def resolve_sections(report) -> list[dict]:
        return [
            {
                "key": section["key"],
                "title": section["title"],
                "figures": section["rows"],
                "narrative_allowed": section["narrative_allowed"],
                "narrative": section["narrative"],
            }
            for section in sections_of(report)
        ]


class ReportFilters(Schema):
    day: date | None = None
    unit: int | None = Field(None, description="Reports of this unit or below it.")
    status: str | None = Field(None, description="draft, signed or sent.")


@router.get("", response=ReportPage, summary="Situation reports the caller may read, the latest generated first")
def list_reports(request, filters: Query[ReportFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, VIEW)
    rows = filtered(ReportFilterSet, filters.dict(), reports_visible_to(request.user), request.user)
    rows = rows.select_related("unit", "template").defer("figures", "children", "narratives")
    items, next_cursor = keyset_page(rows, ("-id",), cursor, min(max(limit, 1), 200))
    return {"items": items, "next_cursor": next_cursor}


class TemplateOut(Schema):
    code: str
    name: str
    title: str
    cutoff_hour: int
    sections: list[dict]
    active: bool


@router.get("/templates", response=list[TemplateOut], summary="The report templates: sections, figures, cut-off hour")
def list_templates(request):
    require_permission(request.user, "command.view_reporttemplate")
    return list(ReportTemplate.objects.order_by("code"))


def _readable(request, report_id: int) -> SituationReport:
    rows = reports_visible_to(request.user).select_related("unit", "template", "signed_by")
    return lookup(request.user, rows, report_id, action=None)


def _own(request, report_id: int, permission: str) -> SituationReport:
    require_permission(request.user, permission)
    report = _readable(request, report_id)
    if not bound_units(request.user, permission).covers(report.unit.path):
        raise Http404
    return report


@router.get("/{int:report_id}", response=ReportDetailOut, summary="A report: frozen figures, narratives, units below")
def read_report(request, report_id: int):
    require_permission(request.user, VIEW)
    return _readable(request, report_id)


class GenerateIn(Schema):
    unit_id: int = Field(description="One of the caller's own units (a province, district or commune).")
    day: date
    template: str | None = Field(None, description="A template's code; the daily quick report by default.")


@router.post("", response={200: ReportDetailOut, 201: ReportDetailOut}, summary="Generate a report, or refresh a draft")
def generate_report(request, payload: GenerateIn):
    """201 with a new report; 200 when the day's draft existed and its figures were refreshed (narratives kept)."""
    require_permission(request.user, ADD)
    unit = lookup_field(request.user, reporting_units(request.user), payload.unit_id, "unit_id", action=None)
    template = None
    if payload.template:
        template = ReportTemplate.objects.filter(code=payload.template).first()
        if template is None:
            raise ValidationError({"template": _("No report template has this code.")})
    existed = SituationReport.objects.filter(unit=unit, day=payload.day).exists()
    report = report_generate(actor=request.user, unit=unit, day=payload.day, template=template)
    return Status(200 if existed else 201, report)


class NarrativesIn(Schema):
    narratives: dict = Field(description="Section key to text; an empty text removes the section's narrative.")


@router.post("/{int:report_id}/narratives", response=ReportDetailOut, summary="Write a draft's narratives")
def write_narratives(request, report_id: int, payload: NarrativesIn):
    report = _own(request, report_id, CHANGE)
    return report_write(actor=request.user, report=report, narratives=payload.narratives)


class SignIn(Schema):
    signer_title: str = Field(description="As the signature block prints it: “KT. TRƯỞNG BAN – PHÓ TRƯỞNG BAN”.")


@router.post("/{int:report_id}/sign", response=ReportOut, summary="Sign a draft: it is locked from then on")
def sign_report(request, report_id: int, payload: SignIn):
    report = _own(request, report_id, SIGN)
    return report_sign(actor=request.user, report=report, signer_title=payload.signer_title)


@router.post("/{int:report_id}/revise", response={201: ReportDetailOut}, summary="Open a new version of a signed one")
def revise_report(request, report_id: int):
    report = _own(request, report_id, ADD)
    return Status(201, report_revise(actor=request.user, report=report))


@router.post("/{int:report_id}/send", response=ReportOut, summary="Send a signed report upward")
def send_report(request, report_id: int):
    report = _own(request, report_id, SIGN)
    return report_send(actor=request.user, report=report)


@router.get(
    "/{int:report_id}/export",
    summary="The report as PDF, Word (docx) or its Excel annex (xlsx)",
    openapi_extra={"responses": {200: {"description": "The file."}}},
)
def export_report(request, report_id: int, format: str = "pdf"):  # noqa: A002 - the query parameter's name
    require_permission(request.user, VIEW)
    report = _readable(request, report_id)
    if format not in FORMATS:
        raise ValidationError({"format": _("Ask for format pdf, docx or xlsx.")})
    content = report_document(report, format)
    report_exported(actor=request.user, report=report, fmt=format, size=len(content))
    response = HttpResponse(content, content_type=FORMATS[format][0])
    response["Content-Disposition"] = f'attachment; filename="{filename_of(report, format)}"'
    return response
