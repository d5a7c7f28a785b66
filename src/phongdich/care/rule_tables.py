"""Tables of the rule pages, the medicine packages and the concentrated sites; each rule set's values in words."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from phongdich.core import clock
from phongdich.core.tables import badge
from phongdich.core.templatetags.humanize_vi import num

from .choices import Condition, OrderKind, ReleaseTest, Symptom
from .eligibility import criterion_words
from .models import EligibilityRules, IsolationRules, MedicineKind, WarningRules
from .services.rules import discharge_label


def label_of(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def plan_text(one_plan: dict) -> str:
    """ "7 days + 7 days of self-monitoring; tests on days 1, 7 (RT-PCR)"."""
    days, monitor_days = one_plan.get("days", 0), one_plan.get("monitor_days", 0)
    text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
    if monitor_days:
        text += " + " + ngettext(
            "%(days)d day of self-monitoring", "%(days)d days of self-monitoring", monitor_days
        ) % {"days": monitor_days}
    if test_days := one_plan.get("test_days"):
        text += "; " + ngettext(
            "test on day %(days)s (%(test)s)", "tests on days %(days)s (%(test)s)", len(test_days)
        ) % {
            "days": ", ".join(str(day) for day in test_days),
            "test": label_of(ReleaseTest, one_plan.get("test", ReleaseTest.NONE)),
        }
    return text


def kind_plans_text(by_condition: dict) -> list[tuple[str, str]]:
    """(conditions, plan) pairs, conditions with the same plan together: "fully vaccinated, recovered recently"."""
    grouped: dict[str, list[str]] = {}
    for condition in Condition.values:
        if condition in by_condition:
            grouped.setdefault(plan_text(by_condition[condition]), []).append(label_of(Condition, condition).lower())
    if len(grouped) == 1:
        return [(_("everyone"), next(iter(grouped)))]
    return [(", ".join(conditions), text) for text, conditions in grouped.items()]


def durations_html(durations: dict):
    items = []
    for kind in OrderKind.values:
        if kind in durations:
            plans = format_html_join("; ", "{}: {}", kind_plans_text(durations[kind]))
            items.append((label_of(OrderKind, kind), plans))
    return format_html('<ul class="plans">{}</ul>', format_html_join("", "<li><strong>{}</strong> — {}</li>", items))


def discharge_text(discharge: dict) -> str:
    """The parts of the discharge rule that say something (no hours between a single test, no days at home)."""
    return "; ".join(f"{discharge_label(name)}: {value}" for name, value in discharge.items() if value)


def document_html(version) -> str:
    if version.document_date:
        return format_html(
            "{} <small>({})</small>", version.source_document, date_format(version.document_date, "d/m/Y")
        )
    return version.source_document


class IsolationRulesTable(tables.Table):
    effective_from = tables.DateColumn(verbose_name=gettext_lazy("From"), format="d/m/Y")
    source_document = tables.Column(verbose_name=gettext_lazy("Document"))
    durations = tables.Column(verbose_name=gettext_lazy("Plans by kind of order"))
    ends_kinds = tables.Column(verbose_name=gettext_lazy("Ends"), empty_values=())
    recovered_months = tables.Column(verbose_name=gettext_lazy("Recovered within"))
    discharge = tables.Column(verbose_name=gettext_lazy("Hospital discharge"), empty_values=())
    card_columns = ("effective_from", "source_document", "durations", "ends_kinds", "discharge")

    class Meta:
        model = IsolationRules
        fields = ["effective_from", "source_document", "durations", "ends_kinds", "recovered_months", "discharge"]
        attrs = {"class": "table"}
        orderable = False
        empty_text = gettext_lazy("No version recorded yet.")

    def render_source_document(self, record):
        return document_html(record)

    def render_durations(self, value):
        return durations_html(value)

    def render_ends_kinds(self, record):
        if not record.ends_kinds:
            return "—"
        kinds = ", ".join(label_of(OrderKind, kind) for kind in record.ends_kinds)
        if record.applied_at:
            state = badge(_("released %(on)s") % {"on": date_format(record.applied_at, "d/m/Y")}, "ok")
        elif record.effective_from <= clock.today():
            state = badge(_("being released"), "warn")
        else:
            state = badge(_("from %(on)s") % {"on": date_format(record.effective_from, "d/m/Y")}, "plain")
        return format_html("{} {}", kinds, state)

    def render_recovered_months(self, value):
        return ngettext("%(months)d month", "%(months)d months", value) % {"months": value}

    def render_discharge(self, value):
        return discharge_text(value) or "—"


class EligibilityRulesTable(tables.Table):
    effective_from = tables.DateColumn(verbose_name=gettext_lazy("From"), format="d/m/Y")
    source_document = tables.Column(verbose_name=gettext_lazy("Document"))
    criteria = tables.Column(verbose_name=gettext_lazy("Criteria"), empty_values=())

    class Meta:
        model = EligibilityRules
        fields = ["effective_from", "source_document", "criteria"]
        attrs = {"class": "table"}
        orderable = False
        empty_text = gettext_lazy("No version recorded yet.")

    def render_source_document(self, record):
        return document_html(record)

    def render_criteria(self, value):
        if not value:
            return "—"
        return format_html(
            '<ul class="plans">{}</ul>', format_html_join("", "<li>{}</li>", ((criterion_words(c),) for c in value))
        )


def thresholds_text(thresholds: dict) -> list[str]:
    lines = []
    words = {
        "spo2_at_most": _("SpO₂ ≤ %(value)s%%"),
        "pulse_above": _("pulse > %(value)s/min"),
        "pulse_below": _("pulse < %(value)s/min"),
        "systolic_below": _("systolic < %(value)s mmHg"),
        "diastolic_below": _("diastolic < %(value)s mmHg"),
        "temperature_at_least": _("temperature ≥ %(value)s °C"),
    }
    for name, value in thresholds.items():
        if name == "breathing":
            lines += [breathing_text(band) for band in value]
        else:
            lines.append(words[name] % {"value": value} if name in words else f"{name}: {value}")
    return lines


def breathing_text(band: dict) -> str:
    values = {"rate": band.get("at_least"), "from": band.get("from_age", 0), "below": band.get("below_age")}
    if values["below"] is None:
        return _("breathing ≥ %(rate)s/min from %(from)s years") % values
    return _("breathing ≥ %(rate)s/min from %(from)s to under %(below)s years") % values


class WarningRulesTable(tables.Table):
    effective_from = tables.DateColumn(verbose_name=gettext_lazy("From"), format="d/m/Y")
    source_document = tables.Column(verbose_name=gettext_lazy("Document"))
    thresholds = tables.Column(verbose_name=gettext_lazy("Warning signs"), empty_values=())
    warning_symptoms = tables.Column(verbose_name=gettext_lazy("Symptoms that are warning signs"), empty_values=())
    acknowledge_minutes = tables.Column(verbose_name=gettext_lazy("Answering an alert"), empty_values=())

    class Meta:
        model = WarningRules
        fields = ["effective_from", "source_document", "thresholds", "warning_symptoms", "acknowledge_minutes"]
        attrs = {"class": "table"}
        orderable = False
        empty_text = gettext_lazy("No version recorded yet.")

    def render_source_document(self, record):
        return document_html(record)

    def render_thresholds(self, value):
        return "; ".join(thresholds_text(value or {})) or "—"

    def render_warning_symptoms(self, value):
        return ", ".join(label_of(Symptom, code).lower() for code in value or []) or "—"

    def render_acknowledge_minutes(self, record):
        return _(
            "acknowledged within %(acknowledge)s min, escalated to the district after %(escalate)s min; "
            "reports missed after %(hours)s h"
        ) % {
            "acknowledge": record.acknowledge_minutes,
            "escalate": record.escalate_minutes,
            "hours": record.missed_report_hours,
        }


class MedicineKindTable(tables.Table):
    code = tables.Column(verbose_name=gettext_lazy("Code"), linkify=("care:medicine_edit", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name=gettext_lazy("Name"))
    contents = tables.Column(verbose_name=gettext_lazy("Contents"))
    active = tables.Column(verbose_name=gettext_lazy("Handed out"))
    card_columns = ("code", "name", "contents", "active")

    class Meta:
        model = MedicineKind
        fields = ["code", "name", "contents", "active"]
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No medicine package recorded yet.")

    def render_active(self, value):
        return badge(_("in use"), "ok") if value else badge(_("no longer handed out"), "plain")


class SiteLoadTable(tables.Table):
    """Rows are care.sites.SiteLoad."""

    name = tables.Column(verbose_name=gettext_lazy("Concentrated site"), accessor="site__name", orderable=False)
    unit = tables.Column(verbose_name=gettext_lazy("Unit"), accessor="site__unit__name", orderable=False)
    places = tables.Column(verbose_name=gettext_lazy("Number of places"), empty_values=(), orderable=False)
    people = tables.Column(verbose_name=gettext_lazy("People there"), orderable=False)
    households = tables.Column(verbose_name=gettext_lazy("Households"), orderable=False)
    free = tables.Column(verbose_name=gettext_lazy("Free places"), empty_values=(), orderable=False)
    edit = tables.Column(verbose_name=gettext_lazy("Change"), empty_values=(), orderable=False)
    card_columns = ("name", "free", "people", "places", "households", "edit")

    class Meta:
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No concentrated isolation site in your jurisdiction.")

    def __init__(self, *args, editable: set[int] = frozenset(), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.editable = editable
        if not editable:
            self.columns.hide("edit")

    def render_places(self, record):
        return num(record.places) if record.places is not None else _("not recorded")

    def render_people(self, value):
        return num(value)

    def render_households(self, value):
        return num(value)

    def render_free(self, record):
        if record.free is None:
            return "—"
        return badge(num(record.free), "alert" if record.full else "ok")

    def render_edit(self, record):
        if record.site.pk not in self.editable:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("care:site_capacity", args=[record.site.pk]), _("Set the number of places")
        )
