"""Release pages: who is due (and overdue) in a unit and what they lack, the release button, the printable list,
the certificate, and the public check of a certificate's code."""

from datetime import timedelta

import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.ratelimit import allow, client_ip
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.tables import badge
from phongdich.core.views import ScopedListView
from phongdich.people.selectors import name_people
from phongdich.people.tables import PersonRefColumn

from ..choices import OrderStatus
from ..models import IsolationOrder
from ..release import DueFilterSet, Readiness, due_orders, readiness_of
from ..release_documents import certificate_pdf, release_list_pdf
from ..services.release import order_release

PRINTED_ROWS = 500  # a printed list longer than this is for a smaller unit


class DueTable(tables.Table):
    """Orders due, each with what its release still lacks, computed for the page's rows at once."""

    person = PersonRefColumn(verbose_name=gettext_lazy("Person"), accessor="person_id", orderable=False)
    phone = PersonRefColumn(verbose_name=gettext_lazy("Phone"), accessor="person_id", show="phone", orderable=False)
    unit = tables.Column(verbose_name=gettext_lazy("Residential group"), accessor="unit__name", orderable=False)
    kind = tables.Column(verbose_name=gettext_lazy("Kind"), orderable=False)
    planned_end = tables.Column(verbose_name=gettext_lazy("Planned end"), orderable=False)
    release_test = tables.Column(verbose_name=gettext_lazy("Test needed"), orderable=False)
    status = tables.Column(verbose_name=gettext_lazy("Release status"), accessor="pk", orderable=False)
    missed = tables.Column(verbose_name=gettext_lazy("Test days missed"), accessor="pk", orderable=False)
    action = tables.Column(verbose_name=gettext_lazy("Release"), accessor="pk", orderable=False)
    card_columns = ("person", "status", "planned_end", "missed", "phone", "action")

    class Meta:
        model = IsolationOrder
        fields = ["person", "phone", "unit", "kind", "planned_end", "release_test", "status", "missed", "action"]
        attrs = {"class": "table"}
        empty_text = gettext_lazy("Nobody is due for release here.")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def _page_rows(self) -> list[IsolationOrder]:
        page = getattr(self, "page", None)
        return [row.record for row in page.object_list] if page else list(self.data)

    def readiness(self, record) -> Readiness:
        found = self.__dict__.setdefault("_readiness", {})
        if record.pk not in found:
            found.update(readiness_of(self._page_rows(), self.today))
        return found[record.pk]

    def releasable(self, record) -> bool:
        """Whether this user may release this order (where they hold the right to change orders)."""
        if "_releasable" not in self.__dict__:
            user = self.request.user
            ids = [order.pk for order in self._page_rows()]
            self._releasable = (
                set(IsolationOrder.objects.restrict(user, "change").filter(pk__in=ids).values_list("pk", flat=True))
                if has_permission_somewhere(user, "care.change_isolationorder")
                else set()
            )
        return record.pk in self._releasable

    def person_named(self, record) -> str:
        """The person as the person column showed them (its refs, read once for the page)."""
        refs = self.__dict__.get("_person_refs", {}).get("person_id", {})
        return str(refs.get(record.person_id, ""))

    def render_unit(self, record):
        return record.unit.name

    def render_planned_end(self, value):
        shown = date_format(value, "d/m/Y")
        late = (self.today - value).days
        if late <= 0:
            return format_html("{} {}", shown, badge(_("Today"), "warn"))
        return format_html(
            "{} {}", shown, badge(ngettext("%(days)s day late", "%(days)s days late", late) % {"days": late}, "alert")
        )

    def render_status(self, record):
        readiness = self.readiness(record)
        if readiness.ready:
            return badge(_("Ready for release"), "ok")
        return format_html_join(mark_safe("<br>"), "{}", ((text,) for text in readiness.missing))

    def render_missed(self, record):
        days = self.readiness(record).missed_test_days
        return ", ".join(date_format(day, "d/m/Y") for day in days) or "—"

    def render_action(self, record):
        if not (self.readiness(record).ready and self.releasable(record)):
            return "—"
        question = _("Release %(name)s and issue the certificate?") % {"name": self.person_named(record)}
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}"><button type="submit" data-confirm="{}">{}</button></form>',
            reverse("care:release_order", args=[record.pk]),
            get_token(self.request),
            self.request.get_full_path(),
            question,
            _("Release"),
        )


class DueListView(ScopedListView):
    model = IsolationOrder
    filterset_class = DueFilterSet
    table_class = DueTable
    permission = "care.view_isolationorder"
    title = gettext_lazy("Releases due")
    template_name = "care/release_list.html"

    def base_queryset(self):
        return due_orders(self.request.user, clock.today())

    def make_table(self, queryset) -> tables.Table:
        return DueTable(queryset, today=clock.today())

    def extra_context(self) -> dict:
        return {"print_query": self.request.GET.urlencode()}


@require_POST
def release_order(request, pk):
    """The release button: the service checks scope and readiness; the outcome is told on the list."""
    require_permission(request.user, "care.change_isolationorder")
    order = get_object_or_404(IsolationOrder.objects.restrict(request.user, "change"), pk=pk)
    try:
        released = order_release(actor=request.user, order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        link = format_html('<a href="{}">{}</a>', reverse("care:release_certificate", args=[released.pk]),
                           _("Print the certificate"))  # fmt: skip
        messages.success(request, format_html("{} {}", _("Released."), link))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("care:release_list")
    return redirect(back)


def release_list_printed(request):
    """The list of releases due as a PDF, with the filters of the page, for the team going door to door."""
    require_permission(request.user, "care.view_isolationorder")
    filterset = DueFilterSet(request.GET, queryset=due_orders(request.user, clock.today()), user=request.user)
    orders = list(filterset.qs[:PRINTED_ROWS]) if filterset.is_valid() else []
    today = clock.today()
    name_people(request.user, orders, person_ref="person_id")
    readiness = readiness_of(orders, today)
    unit = filterset.form.cleaned_data.get("unit") if filterset.is_valid() else None
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        instance=unit,
        detail={"document": "release list", "rows": len(orders)},
    )
    rows = [(order, readiness[order.pk]) for order in orders]
    context = {"rows": rows, "unit": unit, "now": clock.now(), "limit": PRINTED_ROWS, "today": today}
    response = HttpResponse(release_list_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ra-cach-ly-{today:%Y%m%d}.pdf"'
    return response


def release_certificate(request, pk):
    """The certificate of a released order, printed from the release list or the order's page (audited)."""
    require_permission(request.user, "care.view_isolationorder")
    order = get_object_or_404(
        IsolationOrder.objects.visible_to(request.user)
        .filter(status=OrderStatus.RELEASED)
        .exclude(certificate_code="")
        .select_related("person", "unit__parent", "rules", "release_sample", "facility__unit", "site__unit__parent"),
        pk=pk,
    )
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        instance=order,
        person_id=order.person_id,
        detail={"document": "release certificate"},
    )
    response = HttpResponse(certificate_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-xac-nhan-{order.pk}.pdf"'
    return response


def certificate_check(request, code):
    """The public check a certificate's QR code opens: only the name (partly masked), the dates and whether the
    certificate is valid. An unknown code and a code of an order that is not released answer the same page."""
    if not _check_allowed(request):
        return render(request, "care/release_check.html", {"limited": True}, status=429)
    order = (
        IsolationOrder.objects.filter(certificate_code=code.strip().upper(), status=OrderStatus.RELEASED)
        .select_related("person", "unit")
        .first()
        if code
        else None
    )
    if order is None:
        return render(request, "care/release_check.html", {"order": None}, status=404)
    audit.record(
        actor="public",
        action=AuditAction.READ,
        instance=order,
        person_id=order.person_id,
        detail={"document": "release certificate check"},
    )
    context = {"order": order, "name": masked_name(order.person.full_name)}
    return render(request, "care/release_check.html", context)


def masked_name(full_name: str) -> str:
    """ "Nguyễn Thị Hằng" → "N. T. Hằng": the given name whole, the other names by their initial. Whoever holds the
    paper or the person's ID card can tell it is theirs; a photo of the code passed around names nobody in full."""
    words = full_name.split()
    if len(words) < 2:
        return full_name
    return " ".join([*(f"{word[0]}." for word in words[:-1]), words[-1]])


def _check_allowed(request) -> bool:
    limits = {f"certificate-check-ip:{client_ip(request)}": settings.PHONGDICH_CERTIFICATE_CHECK_LIMIT_PER_CLIENT}
    return allow(limits, window=timedelta(minutes=settings.PHONGDICH_CERTIFICATE_CHECK_WINDOW_MINUTES))
