"""An order's self-reports for staff: its readings, the household's personal link (issue, revoke, print the QR card,
the SMS text) and a form to enter a reading taken on a visit or a call. The section is the include
`care/_order_reports.html`, which the order's page draws with `{% load care_reports %}{% order_reports order %}`;
`/care/orders/<id>/reports/` shows it on a page of its own."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, require_permission
from phongdich.core.views import add_form_errors
from phongdich.people.selectors import person_refs
from phongdich.places.posters import qr_png

from ..choices import OrderStatus, ReportSource
from ..forms import ReadingForm
from ..messages import SMS_LANGUAGE, link_text, link_url
from ..models import IsolationOrder, ReportLink
from ..selectors import readings_for_reading
from ..services.reports import link_issue, link_orders, link_revoke, orders_in_scope, report_submit
from ..warnings import sign_text

STAFF_FORM_ID = "staff_%s"


def _order(request, pk: int) -> IsolationOrder:
    require_permission(request.user, "care.view_isolationorder")
    return get_object_or_404(
        IsolationOrder.objects.visible_to(request.user).select_related("person", "unit", "facility", "link"), pk=pk
    )


def order_reports(request, pk: int):
    order = _order(request, pk)
    return render(request, "care/order_reports.html", _page(request, order))


def _page(request, order: IsolationOrder, form: ReadingForm | None = None) -> dict:
    person = person_refs(request.user, [order.person_id])[order.person_id]  # the person may have moved away since
    return {"order": order, "person": person, **reports_section(request, order, form=form)}


def reports_section(request, order: IsolationOrder, form: ReadingForm | None = None) -> dict:
    """What `care/_order_reports.html` draws: the readings (the read audited), the link and the staff form."""
    user = request.user
    reports = readings_for_reading(user, order)
    for report in reports:
        report.signs_shown = [sign_text(sign) for sign in report.warning_signs]
    this_order = IsolationOrder.objects.filter(pk=order.pk)
    active = order.status == OrderStatus.ACTIVE
    link = order.link if order.link_id and order.link.revoked_at is None and active else None
    context = {
        "reports": reports,
        "link": link,
        "can_link": active and orders_in_scope(user, "care.add_reportlink", this_order).exists(),
        "can_revoke": link is not None and ReportLink.objects.restrict(user, "change").filter(pk=link.pk).exists(),
        "can_add": active and orders_in_scope(user, "care.add_selfreport", this_order).exists(),
        "reading_form": form or ReadingForm(auto_id=STAFF_FORM_ID),
        "next": request.get_full_path(),
    }
    if link is not None:
        members = link_orders(link)
        refs = person_refs(user, [member.person_id for member in members])
        context |= {
            "link_url": link_url(link),
            "link_members": [refs[member.person_id] for member in members],
            "sms": _sms(link, order),
        }
    return context


def _sms(link: ReportLink, order: IsolationOrder) -> str:
    return link_text(link, order)


def _back(request, order: IsolationOrder):
    """Back to the page the form was on (the order's page, or this section's own page)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("care:order_reports", pk=order.pk)


@require_POST
def report_create_view(request, pk: int):
    """A reading entered by staff (on a visit, or read out on a call)."""
    require_permission(request.user, "care.add_selfreport")
    order = _order(request, pk)
    form = ReadingForm(request.POST, auto_id=STAFF_FORM_ID)
    if form.is_valid():
        try:
            _report, created = report_submit(
                actor=request.user, order=order, source=ReportSource.STAFF, **form.readings()
            )
        except OutOfScope:
            raise Http404 from None
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Reading recorded.") if created else _("This reading was already recorded."))
            return _back(request, order)
    return render(request, "care/order_reports.html", _page(request, order, form), status=422)


@require_POST
def link_issue_view(request, pk: int):
    """A new personal link for the order's household (the active orders of its members the user may link)."""
    require_permission(request.user, "care.add_reportlink")
    order = _order(request, pk)
    household = IsolationOrder.objects.filter(status=OrderStatus.ACTIVE)
    household = household.filter(household_id=order.household_id) if order.household_id else household.filter(pk=pk)
    orders = list(orders_in_scope(request.user, "care.add_reportlink", household))
    if order not in orders:
        raise Http404
    try:
        link_issue(actor=request.user, orders=orders)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new personal link was issued; the previous one no longer works."))
    return _back(request, order)


@require_POST
def link_revoke_view(request, pk: int):
    require_permission(request.user, "care.change_reportlink")
    link = get_object_or_404(ReportLink.objects.restrict(request.user, "change"), pk=pk)
    order = IsolationOrder.objects.visible_to(request.user).filter(link=link).first()
    link_revoke(actor=request.user, link=link)
    messages.success(request, _("The link was revoked: it no longer takes reports."))
    if order is None:
        return redirect("care:alerts")
    return _back(request, order)


def link_card(request, pk: int):
    """The printable card of a working link: its QR code, who reports through it, and what to do (audited)."""
    require_permission(request.user, "care.view_reportlink")
    link = get_object_or_404(ReportLink.objects.visible_to(request.user), pk=pk)
    members = link_orders(link)
    if not members:
        raise Http404  # revoked, or everyone released: a card would only mislead
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        instance=link,
        person_id=members[0].person_id,
        detail={"document": "self-report card", "orders": [member.pk for member in members]},
    )
    response = HttpResponse(link_card_pdf(link, members), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-tu-theo-doi-{link.pk}.pdf"'
    return response


def link_card_pdf(link: ReportLink, members: list[IsolationOrder]) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only card requests need

    station = members[0].facility
    url = link_url(link)
    with translation.override(SMS_LANGUAGE):
        html = render_to_string(
            "care/link_card.html",
            {
                "members": [
                    {"first_name": member.person.full_name.split()[-1], "birth_year": _birth_year(member.person)}
                    for member in members
                ],
                "url": url,
                "station": station,
                "qr": base64.b64encode(qr_png(url, scale=8)).decode(),
            },
        )
    return HTML(string=html).write_pdf()


def _birth_year(person) -> int | None:
    return person.birth_year or (person.birth_date.year if person.birth_date else None)
