"""Situation reports: the default template, generating a unit's report of a day from the figures at the template's
cut-off hour, writing its narratives, signing it, opening a new version of a signed one, and sending it upward.
A signed version is locked: every change after signing is a new version, never an overwrite. Each write is checked
against the actor's own units inside its transaction and audited with the report's unit."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope
from phongdich.places.models import AdminUnit

from ..choices import ReportStatus
from ..models import ReportTemplate, SituationReport
from .catalogue import derive
from .selectors import ADD, CHANGE, DEFAULT_TEMPLATE, REPORTING_LEVELS, SIGN, bound_units, narrative_keys

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
EARLIEST_DAY = date(2020, 1, 1)
NARRATIVE_MAX = 10_000
SIGNER_TITLE_MAX = 120
AUDITED = ("status", "version", "cutoff_at", "narratives", "signed_at", "signer_title", "sent_at")

DEFAULT_SECTIONS = [
    {
        "key": "epidemic",
        "title": "Tình hình dịch bệnh",
        "figures": [
            "cases",
            "cases_community",
            "cases_screening",
            "cases_isolated",
            "cases_imported",
            "deaths",
            "recovered",
            "cumulative_cases",
            "cumulative_deaths",
            "cumulative_recovered",
        ],
        "narrative": True,
        "hint": "Diễn biến trong ngày: ổ dịch, chuỗi lây nhiễm mới, khu vực phong tỏa.",
    },
    {
        "key": "testing",
        "title": "Công tác xét nghiệm",
        "figures": ["tests", "positives", "positivity_pct"],
        "narrative": True,
        "hint": "Các đợt xét nghiệm, thời gian trả kết quả, khó khăn về sinh phẩm.",
    },
    {
        "key": "treatment",
        "title": "Công tác thu dung, điều trị",
        "figures": [
            "f0_home",
            "f0_site",
            "f0_tier1",
            "f0_tier2",
            "f0_tier3",
            "beds_tier1",
            "beds_tier2",
            "beds_tier3",
            "occupancy_tier1_pct",
            "occupancy_tier2_pct",
            "occupancy_tier3_pct",
        ],
        "narrative": True,
        "hint": "F0 điều trị tại nhà, tại cơ sở tập trung; giường và công suất theo tầng.",
    },
    {
        "key": "vaccination",
        "title": "Công tác tiêm chủng",
        "figures": ["doses", "coverage_one_dose_pct", "coverage_full_pct"],
        "narrative": True,
        "hint": "Số mũi tiêm trong ngày, tỷ lệ bao phủ, vắc xin được phân bổ.",
    },
    {
        "key": "difficulties",
        "title": "Khó khăn, vướng mắc",
        "figures": [],
        "narrative": True,
        "hint": "",
    },
    {
        "key": "proposals",
        "title": "Đề xuất, kiến nghị",
        "figures": [],
        "narrative": True,
        "hint": "",
    },
]


def template_default(*, actor="system") -> ReportTemplate:
    """The daily quick report ("Báo cáo nhanh") with its six sections and figures cut off at 16:00: created the
    first time it is asked for, then returned as it stands (an administrator may have changed it since)."""
    with transaction.atomic():
        template, created = ReportTemplate.objects.get_or_create(
            code=DEFAULT_TEMPLATE,
            defaults={
                "name": "Báo cáo nhanh tình hình dịch COVID-19 hằng ngày",
                "title": "Báo cáo nhanh",
                "cutoff_hour": 16,
                "sections": DEFAULT_SECTIONS,
                "active": True,
            },
        )
        if created:
            audit.record(actor=actor, action=AuditAction.CREATE, instance=template, after=audit.snapshot(template))
    return template


def window_of(template: ReportTemplate, day: date) -> tuple[datetime, datetime]:
    """The 24 hours up to the template's cut-off hour of `day`, local time; before the cut-off, up to now."""
    cutoff = datetime.combine(day, time(0), tzinfo=LOCAL) + timedelta(hours=template.cutoff_hour)
    return cutoff - timedelta(hours=24), min(cutoff, clock.now())


def _unit_in_scope(actor, unit: AdminUnit, permission: str) -> AdminUnit:
    found = AdminUnit.objects.filter(pk=unit.pk).first()
    if found is None or not bound_units(actor, permission).covers(found.path):
        raise OutOfScope(_("No such unit among those you report for."))
    return found


def _report_locked(actor, report: SituationReport, permission: str) -> SituationReport:
    """The report re-read under lock, if it is a report of one of the actor's own units for `permission`;
    OutOfScope (404) otherwise, as for a missing report."""
    action = permission.split(".", 1)[1].split("_", 1)[0]
    found = (
        SituationReport.objects.restrict(actor, action)
        .select_for_update(of=("self",))
        .select_related("unit", "template")
        .filter(pk=report.pk)
        .first()
    )
    if found is None or not bound_units(actor, permission).covers(found.unit.path):
        raise OutOfScope(_("No such situation report among those of your units."))
    return found


def _figures(unit: AdminUnit, day: date, start: datetime, end: datetime) -> dict:
    from ..figures import figures_for_window
    from ..selectors import figures_cumulative

    return derive(figures_for_window(unit, start, end), figures_cumulative(unit, day))


def _child_units(unit: AdminUnit) -> list[AdminUnit]:
    return list(AdminUnit.objects.filter(parent=unit, level__in=REPORTING_LEVELS).order_by("path"))


def _children_reports(children: list[AdminUnit], day: date) -> list[dict]:
    """Each unit below: its latest version sent upward for the day (its narratives quoted), or none yet."""
    latest: dict[int, SituationReport] = {}
    sent = SituationReport.objects.filter(unit__in=children, day=day, status=ReportStatus.SENT)
    for found in sent.select_related("template", "signed_by").order_by("unit_id", "-version"):
        latest.setdefault(found.unit_id, found)
    rows = []
    for child in children:
        report = latest.get(child.pk)
        row: dict = {"unit_id": child.pk, "unit_name": child.name, "report_id": None}
        if report is not None:
            titles = {section.get("key"): section.get("title", "") for section in report.template.sections or []}
            row |= {
                "report_id": report.pk,
                "version": report.version,
                "sent_at": report.sent_at.isoformat() if report.sent_at else None,
                "signer_title": report.signer_title,
                "signed_by": str(report.signed_by) if report.signed_by else "",
                "narratives": [
                    {"key": key, "title": titles.get(key, key), "text": text}
                    for key, text in (report.narratives or {}).items()
                    if text
                ],
            }
        rows.append(row)
    return rows


def _frozen(unit: AdminUnit, day: date, template: ReportTemplate) -> tuple[datetime, dict, list[dict]]:
    start, end = window_of(template, day)
    children = _child_units(unit)
    figures = {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "values": _figures(unit, day, start, end),
        "units": [
            {"unit_id": child.pk, "name": child.name, "values": _figures(child, day, start, end)} for child in children
        ],
    }
    return end, figures, _children_reports(children, day)


def report_generate(*, actor, unit: AdminUnit, day: date, template: ReportTemplate | None = None) -> SituationReport:
    """The unit's report of `day`, its figures frozen from the 24 hours up to the template's cut-off hour (the
    cumulative ones from the first day up to `day`), with the reports the units below have sent upward. A draft of
    the day is refreshed (its narratives kept); a signed one is not touched: open a new version to change it."""
    with transaction.atomic():
        unit = _unit_in_scope(actor, unit, ADD)
        if template is None:
            template = template_default(actor=actor)
        template = ReportTemplate.objects.filter(pk=template.pk).first() or template
        errors: dict[str, str] = {}
        if unit.level not in REPORTING_LEVELS:
            errors["unit"] = _("A residential group sends no situation report: its commune reports for it.")
        if not isinstance(day, date) or isinstance(day, datetime):
            errors["day"] = _("Give the day of the report.")
        elif day > clock.today():
            errors["day"] = _("A report is of a day that has begun: %(day)s is in the future.") % {
                "day": date_format(day, "d/m/Y")
            }
        elif day < EARLIEST_DAY:
            errors["day"] = _("A COVID-19 situation report cannot be of a day before 2020.")
        if not template.active:
            errors["template"] = _("This report template is no longer in use.")
        if errors:
            raise ValidationError(errors)
        versions = SituationReport.objects.select_for_update().filter(unit=unit, day=day).order_by("-version")
        latest = versions.first()
        if latest is not None and latest.status != ReportStatus.DRAFT:
            raise ValidationError(
                {
                    "__all__": _(
                        "The report of %(unit)s for %(day)s is already signed (version %(version)d): it is never "
                        "overwritten. Open a new version to change it."
                    )
                    % {"unit": unit.name, "day": date_format(day, "d/m/Y"), "version": latest.version}
                }
            )
        cutoff_at, figures, children = _frozen(unit, day, template)
        if latest is not None:
            before = {"cutoff_at": latest.cutoff_at.isoformat(), "template": latest.template_id}
            latest.template, latest.cutoff_at, latest.figures, latest.children = template, cutoff_at, figures, children
            latest.save(update_fields=["template", "cutoff_at", "figures", "children"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=latest,
                unit_path=unit.path,
                before=before,
                after={"cutoff_at": cutoff_at.isoformat(), "template": template.pk},
                detail={"refreshed": True},
            )
            return latest
        report = SituationReport.objects.create(
            template=template,
            unit=unit,
            day=day,
            version=1,
            status=ReportStatus.DRAFT,
            cutoff_at=cutoff_at,
            figures=figures,
            children=children,
            created_at=clock.now(),
            created_by=audit.user_of(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=report,
            unit_path=unit.path,
            after=audit.snapshot(report, list(AUDITED)),
        )
    return report


def _signed_error(report: SituationReport) -> ValidationError:
    return ValidationError(
        {
            "__all__": _(
                "Version %(version)d of this report is signed and locked: it cannot be changed. Open a new version "
                "to change it."
            )
            % {"version": report.version}
        }
    )


def clean_narratives(template: ReportTemplate, narratives) -> dict[str, str]:
    """The narratives trimmed, for the template's sections that take one; ValidationError naming what is wrong."""
    if not isinstance(narratives, dict):
        raise ValidationError({"narratives": _("Send the narratives as an object of section to text.")})
    allowed = narrative_keys(template)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    if unknown := sorted(str(key) for key in narratives if key not in allowed):
        errors["narratives"] = _("These sections take no narrative: %(keys)s. Sections with one: %(allowed)s.") % {
            "keys": ", ".join(unknown),
            "allowed": ", ".join(allowed),
        }
    for key in allowed:
        if key not in narratives:
            continue
        value = narratives[key]
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[key] = _("The narrative must be text.")
            continue
        value = value.replace("\r\n", "\n").strip()
        if len(value) > NARRATIVE_MAX:
            errors[key] = _("At most %(max)d characters.") % {"max": NARRATIVE_MAX}
        cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def report_write(*, actor, report: SituationReport, narratives: dict) -> SituationReport:
    """Write the narratives of a draft's sections (those given; an empty text removes one). A signed version is
    locked: a change needs a new version (`report_revise`)."""
    with transaction.atomic():
        report = _report_locked(actor, report, CHANGE)
        if report.status != ReportStatus.DRAFT:
            raise _signed_error(report)
        cleaned = clean_narratives(report.template, narratives)
        before = dict(report.narratives or {})
        merged = {key: value for key, value in {**before, **cleaned}.items() if value}
        report.narratives = merged
        report.save(update_fields=["narratives"])
        changed_before, changed_after = audit.diff(before, merged)
        removed = {key: before[key] for key in before if key not in merged}
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=report,
            unit_path=report.unit.path,
            before={"narratives": changed_before | removed},
            after={"narratives": changed_after},
        )
    return report


def report_sign(*, actor, report: SituationReport, signer_title: str) -> SituationReport:
    """Sign a draft in the signer's title ("KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN"): it is then locked."""
    signer_title = " ".join((signer_title or "").split())
    with transaction.atomic():
        report = _report_locked(actor, report, SIGN)
        if report.status != ReportStatus.DRAFT:
            when = timezone.localtime(report.signed_at) if report.signed_at else None
            raise ValidationError(
                {
                    "__all__": _(
                        "Version %(version)d of this report was already signed on %(at)s: a report is signed once. "
                        "Open a new version to sign a changed one."
                    )
                    % {"version": report.version, "at": date_format(when, "d/m/Y H:i") if when else "—"}
                }
            )
        if not signer_title:
            raise ValidationError({"signer_title": _("Give the signer's title, as the signature block prints it.")})
        if len(signer_title) > SIGNER_TITLE_MAX:
            raise ValidationError({"signer_title": _("At most %(max)d characters.") % {"max": SIGNER_TITLE_MAX}})
        report.status = ReportStatus.SIGNED
        report.signed_at = clock.now()
        report.signed_by = audit.user_of(actor)
        report.signer_title = signer_title
        report.save(update_fields=["status", "signed_at", "signed_by", "signer_title"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=report,
            unit_path=report.unit.path,
            before={"status": ReportStatus.DRAFT},
            after={"status": report.status, "signed_at": report.signed_at.isoformat(), "signer_title": signer_title},
        )
    return report


def report_revise(*, actor, report: SituationReport) -> SituationReport:
    """Open the next version of a signed (or sent) report as a draft, a copy of it that names it as its previous
    version; the signed one stays as it was."""
    with transaction.atomic():
        report = _report_locked(actor, report, ADD)
        if report.status == ReportStatus.DRAFT:
            raise ValidationError(
                {
                    "__all__": _("Version %(version)d is still a draft: change it as it is.")
                    % {"version": report.version}
                }
            )
        newest = (
            SituationReport.objects.select_for_update()
            .filter(unit_id=report.unit_id, day=report.day)
            .order_by("-version")
            .first()
        )
        if newest is not None and newest.pk != report.pk:
            raise ValidationError(
                {
                    "__all__": _("Version %(newer)d of this report already exists: open the next one from it.")
                    % {"newer": newest.version}
                }
            )
        draft = SituationReport.objects.create(
            template=report.template,
            unit=report.unit,
            day=report.day,
            version=report.version + 1,
            status=ReportStatus.DRAFT,
            cutoff_at=report.cutoff_at,
            figures=report.figures,
            narratives=dict(report.narratives or {}),
            children=report.children,
            created_at=clock.now(),
            created_by=audit.user_of(actor),
            previous=report,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=draft,
            unit_path=report.unit.path,
            after=audit.snapshot(draft, list(AUDITED)),
            detail={"previous": report.pk},
        )
    return draft


def report_send(*, actor, report: SituationReport) -> SituationReport:
    """Send a signed report upward: from then on the level above reads it, and its roll-up quotes it."""
    with transaction.atomic():
        report = _report_locked(actor, report, SIGN)
        if report.status == ReportStatus.DRAFT:
            raise ValidationError({"__all__": _("Sign the report before sending it upward.")})
        if report.status == ReportStatus.SENT:
            when = timezone.localtime(report.sent_at) if report.sent_at else None
            raise ValidationError(
                {
                    "__all__": _("Version %(version)d of this report was already sent upward on %(at)s.")
                    % {"version": report.version, "at": date_format(when, "d/m/Y H:i") if when else "—"}
                }
            )
        newer = SituationReport.objects.filter(unit_id=report.unit_id, day=report.day, version__gt=report.version)
        if newest := newer.order_by("-version").first():
            raise ValidationError(
                {
                    "__all__": _("Version %(newer)d of this report is newer: send that one once it is signed.")
                    % {"newer": newest.version}
                }
            )
        report.status = ReportStatus.SENT
        report.sent_at = clock.now()
        report.save(update_fields=["status", "sent_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=report,
            unit_path=report.unit.path,
            before={"status": ReportStatus.SIGNED},
            after={"status": report.status, "sent_at": report.sent_at.isoformat()},
        )
    return report


def report_exported(*, actor, report: SituationReport, fmt: str, size: int) -> None:
    """The audit row of a report's export (PDF, Word or the Excel annex), with the report's unit."""
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        instance=report,
        unit_path=report.unit.path,
        detail={"document": "situation report", "format": fmt, "bytes": size, "version": report.version},
    )
